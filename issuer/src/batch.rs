//! Batch issuance formats: JSON Lines (one licence data object per line) and
//! CSV with a header row of dotted licence field names. Shared by the server
//! (`POST /licences:batch`) and the `elicence issue --csv` client.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// CSV columns, by the dotted path of the licence data member they fill.
/// List columns (`permittedActivities`, `conditions`) separate items with `|`.
pub const CSV_COLUMNS: [&str; 14] = [
    "licenceType.code",
    "licenceType.name.th",
    "licenceType.name.en",
    "licenceNumber",
    "licensee.juristicPersonId",
    "licensee.name.th",
    "licensee.name.en",
    "businessDid",
    "premises.address.th",
    "premises.address.en",
    "permittedActivities",
    "conditions",
    "validFrom",
    "validUntil",
];

/// The columns every CSV must have: exactly the members licence data
/// requires, so a CSV with these columns alone issues licences. The others
/// (`businessDid`, `premises.address.en`, `conditions`) are optional.
pub const CSV_REQUIRED_COLUMNS: [&str; 11] = [
    "licenceType.code",
    "licenceType.name.th",
    "licenceType.name.en",
    "licenceNumber",
    "licensee.juristicPersonId",
    "licensee.name.th",
    "licensee.name.en",
    "premises.address.th",
    "permittedActivities",
    "validFrom",
    "validUntil",
];

const LIST_COLUMNS: [&str; 2] = ["permittedActivities", "conditions"];

/// The outcome of one batch row, as streamed back (one JSON object per line).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowResult {
    /// 1-based row number (JSONL: line number; CSV: data row after the header).
    pub row: u64,
    /// HTTP-style status: 201 created, 200 already issued identically,
    /// 409 conflicting licence, 422 invalid row, 500 service failure.
    pub status: u16,
    /// The licence IRI, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// What went wrong, for failed rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The member at fault, for 422 rows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl RowResult {
    /// Whether retrying the row cannot change its outcome.
    pub fn is_final(&self) -> bool {
        matches!(self.status, 200 | 201 | 409 | 422)
    }
}

/// Checks a CSV header: every column known, none twice, required ones present.
pub fn csv_header(fields: &[String]) -> Result<Vec<String>, String> {
    let mut seen: Vec<String> = Vec::new();
    for f in fields {
        let f = f.trim().trim_start_matches('\u{feff}').to_string();
        if !CSV_COLUMNS.contains(&f.as_str()) {
            return Err(format!(
                "unknown CSV column `{f}` (known: {})",
                CSV_COLUMNS.join(", ")
            ));
        }
        if seen.contains(&f) {
            return Err(format!("CSV column `{f}` appears twice"));
        }
        seen.push(f);
    }
    for required in CSV_REQUIRED_COLUMNS {
        if !seen.iter().any(|s| s == required) {
            return Err(format!("CSV column `{required}` is missing"));
        }
    }
    Ok(seen)
}

/// Turns one CSV record into licence data JSON. Empty cells are omitted, so
/// optional members stay absent and required ones fail validation by name.
pub fn csv_row_to_licence(header: &[String], fields: &[String]) -> Result<Value, String> {
    if fields.len() != header.len() {
        return Err(format!(
            "{} cells, the header has {} columns",
            fields.len(),
            header.len()
        ));
    }
    let mut root = Map::new();
    for (column, cell) in header.iter().zip(fields) {
        if cell.is_empty() {
            continue;
        }
        let value = if LIST_COLUMNS.contains(&column.as_str()) {
            Value::Array(
                cell.split('|')
                    .map(|s| Value::String(s.trim().to_string()))
                    .collect(),
            )
        } else {
            Value::String(cell.clone())
        };
        let parts: Vec<&str> = column.split('.').collect();
        let mut node = &mut root;
        for p in &parts[..parts.len() - 1] {
            let entry = node
                .entry((*p).to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            node = match entry {
                Value::Object(m) => m,
                _ => return Err(format!("column `{column}` clashes with another")),
            };
        }
        node.insert(parts[parts.len() - 1].to_string(), value);
    }
    Ok(Value::Object(root))
}

/// Splits a CSV byte stream into records, line by line, joining lines while a
/// quoted cell is open (RFC 4180), so CSV can be processed as it arrives.
#[derive(Debug, Default)]
pub struct RecordSplitter {
    pending: String,
    in_quotes: bool,
}

impl RecordSplitter {
    /// Feeds one line (without its line ending); returns a complete record.
    pub fn push_line(&mut self, line: &str) -> Option<String> {
        if !self.pending.is_empty() || self.in_quotes {
            self.pending.push('\n');
        }
        self.pending.push_str(line);
        for c in line.chars() {
            if c == '"' {
                self.in_quotes = !self.in_quotes;
            }
        }
        if self.in_quotes {
            None
        } else {
            Some(std::mem::take(&mut self.pending))
        }
    }

    /// Whether a quoted cell is still open (an error at end of input).
    pub fn is_open(&self) -> bool {
        self.in_quotes
    }

    /// Bytes of an unfinished record held so far (bounded by the caller).
    pub fn pending_len(&self) -> usize {
        self.pending.len()
    }
}

/// Parses one complete CSV record into cells.
pub fn parse_record(record: &str) -> Result<Vec<String>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(record.as_bytes());
    match reader.records().next() {
        Some(Ok(r)) => Ok(r.iter().map(str::to_string).collect()),
        Some(Err(e)) => Err(format!("malformed CSV: {e}")),
        None => Ok(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_newlines_join_lines() {
        let mut s = RecordSplitter::default();
        assert_eq!(s.push_line("a,\"b"), None);
        assert!(s.is_open());
        let rec = s.push_line("c\",d").unwrap();
        assert_eq!(parse_record(&rec).unwrap(), vec!["a", "b\nc", "d"]);
        assert_eq!(
            parse_record(&s.push_line("\"x \"\"y\"\"\",z").unwrap()).unwrap(),
            vec!["x \"y\"", "z"]
        );
    }

    #[test]
    fn lines_are_bounded_and_any_line_ending_works_for_csv() {
        let read_all = |text: &[u8], cr: bool, max: usize| {
            let mut splitter = LineSplitter::new(max, cr);
            let mut reader = std::io::BufReader::with_capacity(3, text);
            let mut lines = Vec::new();
            loop {
                match splitter.read_line(&mut reader) {
                    Ok(Some(l)) => lines.push(l),
                    Ok(None) => return Ok(lines),
                    Err(e) => return Err(e.to_string()),
                }
            }
        };
        assert_eq!(
            read_all(b"a,b\r\nc\rd\ne", true, 10).unwrap(),
            vec!["a,b", "c", "d", "e"]
        );
        assert_eq!(read_all(b"a\r\nb\n", false, 10).unwrap(), vec!["a", "b"]);
        assert_eq!(read_all(b"a\rb\n", false, 10).unwrap(), vec!["a\rb"]);
        assert!(read_all(b"0123456789A\n", false, 10)
            .unwrap_err()
            .contains("longer than 10"));
        // An endless line fails after `max` bytes, not at the end of input.
        let mut endless = std::io::BufReader::new(std::io::repeat(b'x'));
        let mut splitter = LineSplitter::new(1 << 20, true);
        assert!(matches!(
            splitter.read_line(&mut endless),
            Err(LineError::TooLong(_))
        ));
    }

    #[test]
    fn header_and_rows_map_to_licence_json() {
        let header: Vec<String> = CSV_COLUMNS.iter().map(|s| s.to_string()).collect();
        let header = csv_header(&header).unwrap();
        let mut cells: Vec<String> = vec![String::new(); header.len()];
        cells[0] = "food-sale".into();
        cells[3] = "1/2566".into();
        cells[10] = "a | b".into();
        let v = csv_row_to_licence(&header, &cells).unwrap();
        assert_eq!(v["licenceType"]["code"], "food-sale");
        assert_eq!(v["permittedActivities"], serde_json::json!(["a", "b"]));
        assert!(v.get("conditions").is_none());
        assert!(csv_header(&["nope".to_string()]).is_err());
        assert!(csv_header(&["licenceNumber".to_string()]).is_err());
        assert!(csv_row_to_licence(&header, &cells[..3]).is_err());
    }
}

/// Why a line could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LineError {
    /// A line (or a CSV record) longer than the limit: refused while reading,
    /// so an endless line never fills memory.
    #[error("a line is longer than {0} bytes")]
    TooLong(usize),
    /// A line that is not UTF-8.
    #[error("a line is not UTF-8")]
    NotUtf8,
    /// Reading failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Splits a byte stream into lines of at most `max` bytes, holding at most
/// one line in memory. Lines end with LF or CRLF; with `cr_ends_lines`
/// (CSV) a lone CR ends a line too, as old spreadsheets write it. Fed by
/// [`LineSplitter::read_line`] (blocking readers, the CLI) or by the
/// service's asynchronous reader through [`LineSplitter::scan`].
#[derive(Debug)]
pub struct LineSplitter {
    max: usize,
    cr_ends_lines: bool,
    after_cr: bool,
    line: Vec<u8>,
}

/// What [`LineSplitter::scan`] did with a buffer.
#[derive(Debug)]
pub enum Scan {
    /// Bytes consumed; a complete line is ready in [`LineSplitter::take`].
    Line(usize),
    /// Bytes consumed (all of them); the line goes on.
    More(usize),
}

impl LineSplitter {
    /// A splitter for lines of at most `max` bytes.
    pub fn new(max: usize, cr_ends_lines: bool) -> Self {
        LineSplitter {
            max,
            cr_ends_lines,
            after_cr: false,
            line: Vec::new(),
        }
    }

    /// Consumes bytes of `buf` up to the end of a line.
    pub fn scan(&mut self, buf: &[u8]) -> Result<Scan, LineError> {
        let mut start = 0;
        if self.after_cr && !buf.is_empty() {
            // CRLF after a CR that already ended the line: skip the LF.
            self.after_cr = false;
            if buf[0] == b'\n' {
                start = 1;
            }
        }
        let rest = &buf[start..];
        let end = rest
            .iter()
            .position(|&b| b == b'\n' || (self.cr_ends_lines && b == b'\r'));
        let piece = &rest[..end.unwrap_or(rest.len())];
        if self.line.len() + piece.len() > self.max {
            return Err(LineError::TooLong(self.max));
        }
        self.line.extend_from_slice(piece);
        match end {
            Some(i) => {
                if rest[i] == b'\r' {
                    self.after_cr = true;
                } else if self.line.last() == Some(&b'\r') {
                    self.line.pop();
                }
                Ok(Scan::Line(start + i + 1))
            }
            None => Ok(Scan::More(buf.len())),
        }
    }

    /// The line read so far (at end of input: the last, unterminated line).
    pub fn take(&mut self) -> Result<Option<String>, LineError> {
        let bytes = std::mem::take(&mut self.line);
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| LineError::NotUtf8)
    }

    /// Whether bytes of an unterminated line are pending.
    pub fn has_partial_line(&self) -> bool {
        !self.line.is_empty()
    }

    /// Reads the next line from a blocking reader; `None` at the end.
    pub fn read_line(
        &mut self,
        reader: &mut impl std::io::BufRead,
    ) -> Result<Option<String>, LineError> {
        loop {
            let buf = reader.fill_buf()?;
            if buf.is_empty() {
                return if self.has_partial_line() {
                    self.take()
                } else {
                    Ok(None)
                };
            }
            match self.scan(buf)? {
                Scan::Line(n) => {
                    reader.consume(n);
                    return self.take();
                }
                Scan::More(n) => reader.consume(n),
            }
        }
    }
}
