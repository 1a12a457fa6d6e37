//! The browser inspector's static files at `/inspect/`, served so that the
//! folder can never expose the service's secrets: at start the folder must
//! not hold (nor be an ancestor of) the configuration, database, master key
//! or TLS files, and each request is resolved to its real path and refused
//! unless that path is a regular file inside the folder (and none of those
//! files), so symbolic links never lead out of it. Hidden names (`.git`,
//! `.env`) are never served. The folder may be created after the service
//! starts (e.g. by `scripts/build-web.sh`), but where it is is fixed then: if
//! it later turns out to be a link to somewhere else, nothing is served.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::extract::{Path as UrlPath, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::config::Config;
use crate::http::problem::Problem;
use crate::server::AppState;

/// The files the inspector folder must never contain: the configuration
/// file, the database with its `-wal`/`-shm`/`-journal` files, the master key
/// file and the TLS certificate and key.
pub fn protected_files(config: &Config) -> Vec<PathBuf> {
    let mut files = Vec::new();
    if let Some(source) = &config.source {
        files.push(source.clone());
    }
    files.push(config.database.clone());
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = config.database.as_os_str().to_owned();
        side.push(suffix);
        files.push(PathBuf::from(side));
    }
    if let Some(key) = &config.master_key.file {
        files.push(key.clone());
    }
    if let Some(tls) = &config.tls {
        files.push(tls.cert.clone());
        files.push(tls.key.clone());
    }
    files
}

/// Where `file` really is: its canonical path if it exists, else its
/// parent's canonical path joined with its name (a database not created yet).
fn real_location(file: &Path) -> Option<PathBuf> {
    if let Ok(real) = std::fs::canonicalize(file) {
        return Some(real);
    }
    let parent = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Some(std::fs::canonicalize(parent).ok()?.join(file.file_name()?))
}

/// The inspector folder as checked at start.
#[derive(Debug, Clone)]
pub struct InspectorFolder {
    /// Its real (canonical) location.
    pub root: PathBuf,
    /// Real locations of the files it must never serve.
    protected: Vec<PathBuf>,
}

/// Checks the configured inspector folder: it must be a directory (or not
/// exist yet, under an existing parent) that holds none of `protected`, by
/// real location, so a folder reached through a link is judged by where it
/// is.
pub fn check_inspector_dir(dir: &Path, protected: &[PathBuf]) -> Result<InspectorFolder, String> {
    let root = match std::fs::canonicalize(dir) {
        Ok(root) if root.is_dir() => root,
        Ok(_) => {
            return Err(format!(
                "inspector_dir {} is not a directory",
                dir.display()
            ))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            real_location(dir).ok_or_else(|| {
                format!(
                    "inspector_dir {}: its parent folder does not exist",
                    dir.display()
                )
            })?
        }
        Err(e) => return Err(format!("inspector_dir {}: {e}", dir.display())),
    };
    let mut real_protected = Vec::new();
    for file in protected {
        // Both where the name points and, for a link, the link itself.
        let mut places = Vec::new();
        if let Some(real) = real_location(file) {
            places.push(real);
        }
        if let (Some(parent), Some(name)) = (file.parent(), file.file_name()) {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            if let Ok(p) = std::fs::canonicalize(parent) {
                places.push(p.join(name));
            }
        }
        if places.iter().any(|p| p.starts_with(&root)) {
            return Err(format!(
                "inspector_dir {} would serve {}: give the inspector a folder of its own \
                 (e.g. the output of scripts/build-web.sh), away from the configuration, \
                 database and keys",
                dir.display(),
                file.display()
            ));
        }
        real_protected.extend(places);
    }
    Ok(InspectorFolder {
        root,
        protected: real_protected,
    })
}

/// The real path of the file `/inspect/{rest}` names, if it is a regular
/// file inside `root`; a directory means its `index.html`.
async fn resolve(folder: &InspectorFolder, rest: &str) -> Option<PathBuf> {
    let root = &folder.root;
    // The folder itself must still be where it was at start (not a link
    // created since to somewhere else).
    if tokio::fs::canonicalize(root).await.ok()? != *root {
        return None;
    }
    let mut path = root.to_path_buf();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.') || segment.contains(['\\', '\0']) {
            return None;
        }
        path.push(segment);
    }
    let mut real = tokio::fs::canonicalize(&path).await.ok()?;
    if !real.starts_with(root) {
        return None;
    }
    if tokio::fs::metadata(&real).await.ok()?.is_dir() {
        real = tokio::fs::canonicalize(real.join("index.html"))
            .await
            .ok()?;
        if !real.starts_with(root) {
            return None;
        }
    }
    let is_file = tokio::fs::metadata(&real).await.ok()?.is_file();
    (is_file && !folder.protected.contains(&real)).then_some(real)
}

fn missing() -> Response {
    Problem::not_found("no such file in the inspector").into_response()
}

async fn serve(state: &AppState, rest: &str, req: Request) -> Response {
    let Some(folder) = &state.inspector else {
        return missing();
    };
    let Some(file) = resolve(folder, rest).await else {
        return missing();
    };
    // A folder without its trailing slash: the app's URLs are relative.
    let is_dir = tokio::fs::metadata(folder.root.join(rest.trim_end_matches('/')))
        .await
        .is_ok_and(|m| m.is_dir());
    if is_dir && !rest.is_empty() && !req.uri().path().ends_with('/') {
        return Redirect::permanent(&format!("/inspect/{rest}/")).into_response();
    }
    // Precompressed copies written by scripts/build-web.sh (`.br`, `.gz`)
    // are sent to browsers that accept them (the module is ~3x smaller),
    // but only when they too are regular files inside the folder.
    let mut serve_file = ServeFile::new(&file);
    if sibling_inside(folder, &file, "br").await {
        serve_file = serve_file.precompressed_br();
    }
    if sibling_inside(folder, &file, "gz").await {
        serve_file = serve_file.precompressed_gzip();
    }
    match serve_file.oneshot(req).await {
        Ok(resp) => resp.into_response(),
        Err(never) => match never {},
    }
}

/// Whether `file.ext` exists as a regular file whose real path is inside
/// the inspector folder (never a link out of it).
async fn sibling_inside(folder: &InspectorFolder, file: &Path, ext: &str) -> bool {
    let mut name = file.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    let Ok(real) = tokio::fs::canonicalize(PathBuf::from(name)).await else {
        return false;
    };
    real.starts_with(&folder.root)
        && !folder.protected.contains(&real)
        && tokio::fs::metadata(&real).await.is_ok_and(|m| m.is_file())
}

/// `GET /inspect/`: the inspector's `index.html`.
pub async fn index(State(state): State<Arc<AppState>>, req: Request) -> Response {
    serve(&state, "", req).await
}

/// `GET /inspect/{*path}`: one file of the inspector.
pub async fn asset(
    State(state): State<Arc<AppState>>,
    UrlPath(rest): UrlPath<String>,
    req: Request,
) -> Response {
    serve(&state, &rest, req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_holding_secrets_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let web = dir.path().join("web");
        std::fs::create_dir(&web).unwrap();
        let db = dir.path().join("issuer.db");
        let key = dir.path().join("master.key");
        std::fs::write(&key, "k").unwrap();
        let protected = vec![db.clone(), key.clone()];
        assert!(check_inspector_dir(&web, &protected).is_ok());
        // The folder holding them, or any ancestor, is refused.
        for bad in [dir.path().to_path_buf(), dir.path().join("web/..")] {
            let e = check_inspector_dir(&bad, &protected).unwrap_err();
            assert!(e.contains("would serve"), "{e}");
        }
        // A database not created yet counts too.
        let e = check_inspector_dir(dir.path(), &[dir.path().join("new.db")]).unwrap_err();
        assert!(e.contains("new.db"), "{e}");
        // A file is refused; a folder not built yet is judged by where it will be.
        assert!(check_inspector_dir(&key, &[]).is_err());
        let later = check_inspector_dir(&web.join("later"), &protected).unwrap();
        assert!(later.root.ends_with("web/later"));
        assert!(check_inspector_dir(&dir.path().join("no/such/parent"), &protected).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_to_a_secret_counts_as_holding_it() {
        let dir = tempfile::tempdir().unwrap();
        let web = dir.path().join("web");
        std::fs::create_dir(&web).unwrap();
        let key = dir.path().join("master.key");
        std::fs::write(&key, "k").unwrap();
        // The configured key path is a link inside the web folder.
        let link = web.join("key-link");
        std::os::unix::fs::symlink(&key, &link).unwrap();
        assert!(check_inspector_dir(&web, &[link]).is_err());
    }
}
