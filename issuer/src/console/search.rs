//! Finding an agency's licences: by licence number, juristic ID, or any part
//! (three characters or more) of the holder's Thai or English name, with
//! optional type and status filters, newest first.
//!
//! Names live inside the signed credential's JSON, so a plain `LIKE` would
//! parse every licence of the agency. Instead an FTS5 table with the trigram
//! tokenizer (`licence_search`, one row per licence, filled by a trigger as
//! licences are stored) answers substring queries from an index; it is
//! rebuilt once from the stored licences when it is first created.

use rusqlite::params;

use crate::db::Connection;

use crate::error::IssuerError;
use crate::store::StoredCredential;

/// The index and the trigger that keeps it current.
pub const SCHEMA: &str = r#"
CREATE VIRTUAL TABLE IF NOT EXISTS licence_search USING fts5(
  number, name_th, name_en, juristic_id, tokenize = 'trigram'
);
CREATE TRIGGER IF NOT EXISTS licence_search_insert AFTER INSERT ON credentials
  WHEN NEW.type_code IS NOT NULL BEGIN
  INSERT INTO licence_search(rowid, number, name_th, name_en, juristic_id) VALUES (
    NEW.seq, NEW.number,
    json_extract(NEW.credential, '$.credentialSubject.licensee.legalName.th'),
    json_extract(NEW.credential, '$.credentialSubject.licensee.legalName.en'),
    json_extract(NEW.credential, '$.credentialSubject.licensee.juristicPersonId'));
END;
CREATE INDEX IF NOT EXISTS credentials_number ON credentials(agency, number);
CREATE INDEX IF NOT EXISTS credentials_agency_seq ON credentials(agency, seq);
CREATE INDEX IF NOT EXISTS credentials_juristic_id ON credentials(
  agency, json_extract(credential, '$.credentialSubject.licensee.juristicPersonId')
) WHERE type_code IS NOT NULL;
"#;

/// Creates the index (filling it from the licences already stored when it
/// is new). Runs with the rest of the schema.
pub fn migrate(conn: &rusqlite::Connection) -> Result<(), IssuerError> {
    let existed: bool = conn.query_row(
        "SELECT EXISTS(SELECT 1 FROM sqlite_master WHERE name = 'licence_search')",
        [],
        |r| r.get(0),
    )?;
    conn.execute_batch(SCHEMA)?;
    if !existed {
        conn.execute(
            "INSERT INTO licence_search(rowid, number, name_th, name_en, juristic_id)
             SELECT seq, number,
               json_extract(credential, '$.credentialSubject.licensee.legalName.th'),
               json_extract(credential, '$.credentialSubject.licensee.legalName.en'),
               json_extract(credential, '$.credentialSubject.licensee.juristicPersonId')
             FROM credentials WHERE type_code IS NOT NULL",
            [],
        )?;
    }
    Ok(())
}

/// Which licences by status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    /// Any status.
    #[default]
    Any,
    /// Neither revoked nor suspended.
    Active,
    /// Suspended (and not revoked).
    Suspended,
    /// Revoked.
    Revoked,
}

impl StatusFilter {
    /// From the form's value (anything unknown is `Any`).
    pub fn parse(s: &str) -> StatusFilter {
        match s {
            "active" => StatusFilter::Active,
            "suspended" => StatusFilter::Suspended,
            "revoked" => StatusFilter::Revoked,
            _ => StatusFilter::Any,
        }
    }

    /// Its form value.
    pub fn name(self) -> &'static str {
        match self {
            StatusFilter::Any => "",
            StatusFilter::Active => "active",
            StatusFilter::Suspended => "suspended",
            StatusFilter::Revoked => "revoked",
        }
    }
}

/// A search.
#[derive(Debug, Clone, Default)]
pub struct Query<'a> {
    /// Number, juristic ID or part of a name; empty for all.
    pub text: &'a str,
    /// Only this licence type (empty: any).
    pub type_code: &'a str,
    /// Only this status.
    pub status: StatusFilter,
}

/// Most rows a search returns.
pub const LIMIT: i64 = 50;

/// The shortest text the name index can search (one trigram).
pub const MIN_PARTIAL_CHARS: usize = 3;

/// The agency's licences matching `q`, newest first, with when each was
/// stored. Thirteen digits are a juristic ID (exact); text shorter than three
/// characters matches licence numbers exactly; anything else is looked up
/// in the trigram index of numbers, names and IDs.
pub fn search(
    db: &Connection,
    agency: &str,
    q: &Query<'_>,
) -> Result<Vec<(StoredCredential, String)>, IssuerError> {
    search_up_to(db, agency, q, LIMIT)
}

/// Most rows a CSV export holds.
pub const EXPORT_LIMIT: i64 = 10_000;

/// [`search`] with another limit (the CSV export's).
pub fn search_up_to(
    db: &Connection,
    agency: &str,
    q: &Query<'_>,
    limit: i64,
) -> Result<Vec<(StoredCredential, String)>, IssuerError> {
    let conn = db.sqlite_only()?;
    let text = q.text.trim();
    let (mode, phrase) = if text.is_empty() {
        (0, String::new())
    } else if text.chars().count() < MIN_PARTIAL_CHARS {
        (1, text.to_string())
    } else if text.len() == 13 && text.bytes().all(|b| b.is_ascii_digit()) {
        // A juristic ID: its own index (its digits' trigrams are common to
        // every ID, so the name index would read long lists).
        (3, text.to_string())
    } else {
        // One FTS5 string: the text as a phrase, quotes doubled.
        (2, format!("\"{}\"", text.replace('"', "\"\"")))
    };
    // One statement per shape (fixed text, no input in the SQL) so SQLite
    // plans each well: the newest first by walking (agency, seq) backwards,
    // or the name index in descending rowid order, stopping at the limit.
    let status = match q.status {
        StatusFilter::Any => "",
        StatusFilter::Active => " AND c.revoked = 0 AND c.suspended = 0",
        StatusFilter::Suspended => " AND c.revoked = 0 AND c.suspended = 1",
        StatusFilter::Revoked => " AND c.revoked = 1",
    };
    let columns = "c.agency, c.id, c.request_hash, c.credential, c.status_list, c.status_index, \
                   c.revoked, c.suspended, c.created_at";
    let sql = match mode {
        0 => format!(
            "SELECT {columns} FROM credentials c WHERE c.agency = ?1 AND c.type_code IS NOT NULL \
             AND (?2 = '' OR c.type_code = ?2){status} ORDER BY c.seq DESC LIMIT ?3"
        ),
        1 => format!(
            "SELECT {columns} FROM credentials c WHERE c.agency = ?1 AND c.type_code IS NOT NULL \
             AND (?2 = '' OR c.type_code = ?2){status} AND c.number = ?4 ORDER BY c.seq DESC LIMIT ?3"
        ),
        3 => format!(
            "SELECT {columns} FROM credentials c WHERE c.agency = ?1 AND c.type_code IS NOT NULL \
             AND (?2 = '' OR c.type_code = ?2){status} \
             AND json_extract(c.credential, '$.credentialSubject.licensee.juristicPersonId') = ?4 \
             ORDER BY c.seq DESC LIMIT ?3"
        ),
        _ => format!(
            "SELECT {columns} FROM licence_search s JOIN credentials c ON c.seq = s.rowid \
             WHERE licence_search MATCH ?4 AND c.agency = ?1 AND c.type_code IS NOT NULL \
             AND (?2 = '' OR c.type_code = ?2){status} ORDER BY s.rowid DESC LIMIT ?3"
        ),
    };
    let needle = if mode == 2 { phrase } else { text.to_string() };
    let mut stmt = conn.prepare_cached(&sql)?;
    let row = |r: &rusqlite::Row<'_>| {
        Ok((
            StoredCredential {
                agency: r.get(0)?,
                id: r.get(1)?,
                request_hash: r.get(2)?,
                credential: r.get(3)?,
                status_list: r.get(4)?,
                status_index: r.get(5)?,
                revoked: r.get(6)?,
                suspended: r.get(7)?,
            },
            r.get::<_, String>(8)?,
        ))
    };
    let rows = if mode == 0 {
        stmt.query_map(params![agency, q.type_code, limit], row)?
    } else {
        stmt.query_map(params![agency, q.type_code, limit, needle], row)?
    };
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn insert(conn: &Connection, n: u32, name_th: &str, revoked: bool) {
        let credential = serde_json::json!({"credentialSubject": {
            "licenceNumber": format!("สน.{n}/2569"),
            "licensee": {"juristicPersonId": "0105536112014", "legalName": {"th": name_th, "en": "Kitchen Co., Ltd."}}
        }});
        conn.sqlite_only().unwrap().execute(
            "INSERT INTO credentials(agency, id, type_code, number, credential, revoked, created_at)
             VALUES ('a', ?1, 'food-sale', ?2, ?3, ?4, 'now')",
            params![format!("urn:{n}"), format!("สน.{n}/2569"), credential.to_string(), revoked],
        )
        .unwrap();
    }

    fn found(conn: &Connection, text: &str, status: StatusFilter) -> Vec<String> {
        let q = Query {
            text,
            type_code: "",
            status,
        };
        search(conn, "a", &q)
            .unwrap()
            .into_iter()
            .map(|(c, _)| c.id)
            .collect()
    }

    #[test]
    fn names_by_any_part_numbers_ids_and_status() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("t.db"), crate::config::Durability::Normal)
            .unwrap();
        insert(&conn, 1, "บริษัท ครัวไทย จำกัด", false);
        insert(&conn, 2, "ห้างหุ้นส่วน ข้าวมันไก่ \"ดี\"", true);
        assert_eq!(found(&conn, "ครัวไท", StatusFilter::Any), ["urn:1"]);
        assert_eq!(
            found(&conn, "kitchen", StatusFilter::Any),
            ["urn:2", "urn:1"]
        );
        assert_eq!(found(&conn, "kitchen", StatusFilter::Revoked), ["urn:2"]);
        assert_eq!(found(&conn, "kitchen", StatusFilter::Active), ["urn:1"]);
        assert_eq!(found(&conn, "สน.2/2569", StatusFilter::Any), ["urn:2"]);
        assert_eq!(found(&conn, "0105536112014", StatusFilter::Any).len(), 2);
        // Quotes and FTS syntax in the text are just text.
        assert_eq!(found(&conn, "\"ดี\"", StatusFilter::Any), ["urn:2"]);
        assert!(found(&conn, "OR NEAR(", StatusFilter::Any).is_empty());
        // Short text: exact licence numbers only.
        assert!(found(&conn, "สน", StatusFilter::Any).is_empty());
        // Another agency sees nothing.
        let q = Query {
            text: "kitchen",
            ..Default::default()
        };
        assert!(search(&conn, "b", &q).unwrap().is_empty());
    }

    #[test]
    fn an_index_created_later_is_filled_from_stored_licences() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::store::open(&dir.path().join("t.db"), crate::config::Durability::Normal)
            .unwrap();
        conn.sqlite_only()
            .unwrap()
            .execute_batch("DROP TRIGGER licence_search_insert; DROP TABLE licence_search;")
            .unwrap();
        insert(&conn, 7, "บริษัท เก่าแก่ จำกัด", false);
        migrate(conn.sqlite_only().unwrap()).unwrap();
        assert_eq!(found(&conn, "เก่าแก่", StatusFilter::Any), ["urn:7"]);
        // And the trigger is back for new licences.
        insert(&conn, 8, "บริษัท ใหม่เอี่ยม จำกัด", false);
        assert_eq!(found(&conn, "ใหม่เอี่ยม", StatusFilter::Any), ["urn:8"]);
    }
}
