//! SVG output: module runs merged into one path, so a 800-character licence code
//! stays a few kilobytes and prints with hard edges.

use std::fmt::Write;

use crate::encode::Matrix;

/// Writes the SVG document; `quiet` and `side_modules` are in modules, `side_px`
/// is the nominal rendered size.
pub(crate) fn write(matrix: &Matrix, quiet: u64, side_modules: u64, side_px: u64) -> String {
    let mut path = String::new();
    for (y, row) in matrix.rows().enumerate() {
        let mut x = 0usize;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] {
                x += 1;
            }
            let run = x - start;
            // `write!` to a String cannot fail.
            let _ = write!(
                path,
                "M{} {}h{run}v1h-{run}z",
                start as u64 + quiet,
                y as u64 + quiet
            );
        }
    }
    format!(
        concat!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" ",
            "width=\"{px}\" height=\"{px}\" viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\">\n",
            "<rect x=\"0\" y=\"0\" width=\"{n}\" height=\"{n}\" fill=\"#ffffff\"/>\n",
            "<path fill=\"#000000\" d=\"{d}\"/>\n",
            "</svg>\n"
        ),
        px = side_px,
        n = side_modules,
        d = path
    )
}
