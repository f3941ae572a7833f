//! Renders the pinned SVG snapshots of `tests/plot.rs` and `tests/forest.rs` to PNG, so that a
//! reviewer looks at what the snapshots hold:
//!
//! ```text
//! cargo run -p surv-render --example snapshot_figures -- docs/figures
//! ```

use std::path::PathBuf;

use surv_render::plot::{self, ImageFormat};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| ".".to_owned()));
    let snapshots = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    std::fs::create_dir_all(&out)?;
    for (test, name) in [
        ("plot", "one_group"),
        ("plot", "two_groups"),
        ("plot", "six_groups"),
        ("forest", "forest"),
    ] {
        let snap = std::fs::read_to_string(snapshots.join(format!("{test}__{name}.snap")))?;
        // An insta file is a `---`-fenced header, then the snapshot.
        let svg = snap
            .splitn(3, "---\n")
            .nth(2)
            .ok_or("a snapshot without its header")?;
        let png = plot::encode(svg, ImageFormat::Png, 150.0)?;
        let path = out.join(format!("snapshot_{name}.png"));
        std::fs::write(&path, png)?;
        println!("{}", path.display());
    }
    Ok(())
}
