//! Page weight of the agency console: bytes of each page's HTML, the style
//! sheet and the script, raw and gzip-compressed (what a phone downloads),
//! measured against a real service on loopback with a signed-in admin.
//!
//! `cargo run -p elicence-issuer --example console_weight`

use std::io::Write;

use elicence_core::keys::KeyAlgorithm;
use elicence_issuer::admin::{self, NewAgency};
use elicence_issuer::console::accounts::{self, NewAccount, Role};
use elicence_issuer::console::totp;
use elicence_issuer::crypto::MasterKey;
use elicence_issuer::server::{build_state, serve_on};
use elicence_issuer::{store, Config};

fn gzip_len(bytes: &[u8]) -> usize {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = enc.write_all(bytes);
    enc.finish().map(|v| v.len()).unwrap_or(0)
}

struct Client {
    base: String,
    agent: ureq::Agent,
    cookie: String,
}

impl Client {
    fn get(&mut self, path: &str) -> String {
        let mut r = self
            .agent
            .get(&format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .call()
            .expect("GET");
        self.keep(&r);
        r.body_mut().read_to_string().unwrap_or_default()
    }
    fn post(&mut self, path: &str, form: &[(&str, &str)]) -> String {
        let body = serde_urlencoded::to_string(form).expect("form");
        let mut r = self
            .agent
            .post(&format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .send(body.as_str())
            .expect("POST");
        self.keep(&r);
        r.body_mut().read_to_string().unwrap_or_default()
    }
    fn keep(&mut self, r: &ureq::http::Response<ureq::Body>) {
        if let Some(c) = r.headers().get_all("set-cookie").iter().find_map(|v| {
            v.to_str()
                .ok()
                .filter(|v| v.starts_with("elicence_console="))
                .and_then(|v| v.split(';').next())
        }) {
            self.cookie = c.to_string();
        }
    }
}

fn csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("csrf") + 19;
    html[at..at + html[at..].find('"').expect("quote")].to_string()
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    elicence_issuer::crypto::write_master_key_file(&dir.path().join("master.key")).expect("key");
    let path = dir.path().join("issuer.toml");
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\npublic_url = \"https://licence.example.go.th\"\ndatabase = \"{}\"\ndurability = \"normal\"\n[master_key]\nfile = \"{}\"\n",
            dir.path().join("issuer.db").display(),
            dir.path().join("master.key").display()
        ),
    )
    .expect("config");
    let config = Config::load(&path).expect("config");
    let master = MasterKey::load(&config.master_key).expect("master key");
    let mut conn = store::open(&config.database, config.durability).expect("db");
    admin::add_agency(
        &mut conn,
        &master,
        config.origin(),
        &NewAgency {
            code: "bangrak",
            name_th: "สำนักงานเขตบางรัก กรุงเทพมหานคร",
            name_en: "Bang Rak District Office, Bangkok",
            algorithm: KeyAlgorithm::Ed25519,
            did_method: Default::default(),
        },
        "admin:weight",
    )
    .expect("agency");
    let created = accounts::add_account(
        &conn,
        &master,
        &NewAccount {
            agency: "bangrak",
            username: "weigher",
            display_name: "สมชาย ใจดี",
            role: Role::Admin,
            password: "a long enough password",
        },
        "admin:weight",
    )
    .expect("account");
    let secret = created.totp_secret.expect("admin has TOTP");

    let state = build_state(config).expect("state");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    rt.spawn(serve_on(listener, state, std::future::pending()));

    let mut c = Client {
        base: format!("http://{addr}"),
        agent: ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build()
            .into(),
        cookie: String::new(),
    };
    let mut rows: Vec<(String, usize, usize)> = Vec::new();
    let mut measure = |name: &str, body: &str| {
        rows.push((name.to_string(), body.len(), gzip_len(body.as_bytes())));
    };
    let login = c.get("/console/login");
    measure("sign-in page", &login);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    c.post(
        "/console/login",
        &[
            ("csrf", &csrf(&login)),
            ("username", "weigher"),
            ("password", "a long enough password"),
            ("code", &totp::code_at(&secret, now)),
        ],
    );
    measure("start page", &c.get("/console/"));
    let form = c.get("/console/issue?type=hotel");
    measure("issue form (hotel)", &form);
    let token = csrf(&form);
    c.post(
        "/console/issue",
        &[
            ("csrf", &token),
            ("type", "hotel"),
            ("number", "รร.1/2569"),
            ("juristic_id", "0105536112014"),
            ("name_th", "บริษัท โรงแรมตัวอย่าง จำกัด"),
            ("name_en", "Example Hotel Co., Ltd."),
            ("address_th", "๑๒๓ ถนนสีลม เขตบางรัก กรุงเทพมหานคร"),
            ("address_en", "123 Silom Road, Bang Rak, Bangkok"),
            ("activities", "ประกอบธุรกิจโรงแรม"),
            ("valid_from", "01/01/2569"),
            ("valid_until", "31/12/2573"),
        ],
    );
    measure("search (1 result)", &c.get("/console/licences?q=โรงแรม"));
    let path = "/console/licences/hotel/%E0%B8%A3%E0%B8%A3.1~2569";
    measure("licence page", &c.get(path));
    measure(
        "revoke confirmation",
        &c.get(&format!("{path}/status/revoke")),
    );
    measure("users page", &c.get("/console/users"));
    measure("console.css", &c.get("/console/static/console.css"));
    measure("console.js", &c.get("/console/static/console.js"));

    println!("| what | bytes | gzip bytes |\n|---|---:|---:|");
    for (name, raw, gz) in &rows {
        println!("| {name} | {raw} | {gz} |");
    }
    let css_js: usize = rows.iter().rev().take(2).map(|r| r.2).sum();
    let biggest = rows.iter().rev().skip(2).map(|r| r.2).max().unwrap_or(0);
    println!(
        "\nheaviest page with its style sheet and script (first visit, gzip): {} bytes",
        biggest + css_js
    );
}
