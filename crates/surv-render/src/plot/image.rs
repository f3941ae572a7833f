//! PNG and PDF from the figure's SVG, rendered in process (resvg, svg2pdf) with
//! the embedded typeface only, so a figure looks the same on every machine.

use std::ops::RangeInclusive;
use std::path::Path;
use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

use super::PlotError;
use super::font;

/// Resolution of a PNG unless asked otherwise: what journals ask of line art
/// with text is 300 to 600 dpi.
pub const DEFAULT_DPI: f64 = 300.0;

/// Resolutions a PNG may be asked for (1200 dpi is 8400 pixels across).
pub const DPI_RANGE: RangeInclusive<f64> = 50.0..=1200.0;

/// SVG user units are points; usvg reads lengths at 96 per inch.
const USVG_PER_POINT: f64 = 96.0 / 72.0;

/// A figure file's format, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageFormat {
    /// The SVG as composed, text as text.
    Svg,
    /// A bitmap at a chosen resolution.
    Png,
    /// Vector PDF with the typeface embedded.
    Pdf,
}

impl ImageFormat {
    /// The format named by `path`'s extension (`.svg`, `.png` or `.pdf`, any case).
    pub fn from_path(path: &Path) -> Result<ImageFormat, PlotError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("svg") => Ok(ImageFormat::Svg),
            Some("png") => Ok(ImageFormat::Png),
            Some("pdf") => Ok(ImageFormat::Pdf),
            _ => Err(PlotError::UnknownExtension {
                path: path.display().to_string(),
            }),
        }
    }
}

fn options() -> &'static usvg::Options<'static> {
    static OPTIONS: OnceLock<usvg::Options<'static>> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        let mut fonts = usvg::fontdb::Database::new();
        fonts.load_font_data(font::REGULAR.to_vec());
        fonts.load_font_data(font::BOLD.to_vec());
        // Any generic family the SVG falls back to resolves to the embedded face.
        fonts.set_sans_serif_family(font::EMBEDDED_FAMILY);
        fonts.set_serif_family(font::EMBEDDED_FAMILY);
        usvg::Options {
            fontdb: Arc::new(fonts),
            ..usvg::Options::default()
        }
    })
}

/// Pixel size of the PNG of an SVG `width` × `height` points at `dpi`.
pub fn pixel_size(width: f64, height: f64, dpi: f64) -> (u32, u32) {
    let px = |points: f64| (points / 72.0 * dpi).round().max(1.0) as u32;
    (px(width), px(height))
}

/// The figure `svg` in `format`; `dpi` sets a PNG's resolution and is refused
/// outside [`DPI_RANGE`].
pub fn encode(svg: &str, format: ImageFormat, dpi: f64) -> Result<Vec<u8>, PlotError> {
    if format == ImageFormat::Svg {
        return Ok(svg.as_bytes().to_vec());
    }
    let render = |reason: String| PlotError::Render { reason };
    let tree = usvg::Tree::from_str(svg, options()).map_err(|e| render(e.to_string()))?;
    match format {
        ImageFormat::Png => png(&tree, dpi),
        _ => {
            let page = svg2pdf::PageOptions {
                dpi: (72.0 * USVG_PER_POINT) as f32,
            };
            svg2pdf::to_pdf(&tree, svg2pdf::ConversionOptions::default(), page)
                .map_err(|e| render(e.to_string()))
        }
    }
}

fn png(tree: &usvg::Tree, dpi: f64) -> Result<Vec<u8>, PlotError> {
    if !DPI_RANGE.contains(&dpi) {
        return Err(PlotError::InvalidOption {
            what: "dpi",
            value: dpi,
            expected: "a resolution from 50 to 1200",
        });
    }
    let render = |reason: String| PlotError::Render { reason };
    let size = tree.size();
    let (width, height) = pixel_size(
        f64::from(size.width()) / USVG_PER_POINT,
        f64::from(size.height()) / USVG_PER_POINT,
        dpi,
    );
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| render(format!("no {width} × {height} bitmap")))?;
    let scale = (dpi / 72.0 / USVG_PER_POINT) as f32;
    resvg::render(
        tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    // Every figure is drawn on an opaque white page, so RGB without alpha is
    // exact, smaller, and what print workflows expect.
    let rgb: Vec<u8> = pixmap
        .pixels()
        .iter()
        .flat_map(|p| {
            let c = p.demultiply();
            [c.red(), c.green(), c.blue()]
        })
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Default);
        // The resolution travels with the file, so a journal's system sizes it right.
        let per_metre = (dpi / 0.0254).round() as u32;
        encoder.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
        let mut writer = encoder.write_header().map_err(|e| render(e.to_string()))?;
        writer
            .write_image_data(&rgb)
            .map_err(|e| render(e.to_string()))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_chooses_the_format() {
        assert_eq!(
            ImageFormat::from_path(Path::new("f.PNG")),
            Ok(ImageFormat::Png)
        );
        assert_eq!(
            ImageFormat::from_path(Path::new("a/b.pdf")),
            Ok(ImageFormat::Pdf)
        );
        assert_eq!(
            ImageFormat::from_path(Path::new("b.svg")),
            Ok(ImageFormat::Svg)
        );
        for bad in ["fig.jpg", "fig", "fig.svg.txt"] {
            assert!(matches!(
                ImageFormat::from_path(Path::new(bad)),
                Err(PlotError::UnknownExtension { .. })
            ));
        }
    }

    #[test]
    fn seven_inches_at_300_dpi_are_2100_pixels() {
        assert_eq!(pixel_size(504.0, 360.0, 300.0), (2100, 1500));
        assert_eq!(pixel_size(504.0, 360.0, 72.0), (504, 360));
    }
}
