//! PNG plots for the report: training curves and the confusion matrix.
//!
//! Text needs a TrueType font; the first of [`FONT_PATHS`] that exists is used
//! (Debian's `fonts-dejavu-core` provides it).

use std::path::Path;

use anyhow::{Context, bail};
use plotters::prelude::*;
use plotters::style::{FontStyle, register_font};

use crate::trainer::EpochRecord;

/// Where the plotting font is looked for.
pub const FONT_PATHS: [&str; 3] = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
];

/// Registers the plotting font once; an error says which package provides it.
pub fn ensure_font() -> anyhow::Result<()> {
    static REGISTERED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        FONT_PATHS.iter().filter_map(|p| std::fs::read(p).ok()).next().is_some_and(|bytes| {
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            register_font("sans-serif", FontStyle::Normal, bytes).is_ok()
        })
    });
    if !ok {
        bail!("no plotting font found at {:?}: install fonts-dejavu-core", FONT_PATHS);
    }
    Ok(())
}

fn draw_err<E: std::fmt::Debug>(e: E) -> anyhow::Error {
    anyhow::anyhow!("drawing failed: {e:?}")
}

/// Training loss (left) and dev intent accuracy and slot F1 (right) per epoch.
pub fn plot_history(history: &[EpochRecord], path: &Path) -> anyhow::Result<()> {
    ensure_font()?;
    let root = BitMapBackend::new(path, (1000, 400)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    let (left, right) = root.split_horizontally(500);
    let epochs = history.len().max(1) as f64;
    let max_loss = history.iter().map(|e| e.train_loss).fold(0.0, f64::max).max(1e-3) * 1.1;
    let mut chart = ChartBuilder::on(&left)
        .caption("training loss", ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(1.0..epochs.max(2.0), 0.0..max_loss)
        .map_err(draw_err)?;
    chart.configure_mesh().x_desc("epoch").draw().map_err(draw_err)?;
    chart
        .draw_series(LineSeries::new(history.iter().map(|e| (e.epoch as f64, e.train_loss)), &BLUE))
        .map_err(draw_err)?;
    let series = [
        Series {
            label: "intent accuracy",
            color: RED,
            points: history.iter().map(|e| (e.epoch as f64, e.dev_intent_accuracy)).collect(),
        },
        Series {
            label: "slot F1",
            color: GREEN,
            points: history.iter().map(|e| (e.epoch as f64, e.dev_slot_f1)).collect(),
        },
    ];
    score_chart(&right, "dev scores (%)", "epoch", 1.0..epochs.max(2.0), &series)?;
    root.present().map_err(draw_err).with_context(|| format!("writing {}", path.display()))
}

/// One line of a score chart: points `(x, score in 0..=1)`.
pub struct Series {
    /// The legend text.
    pub label: &'static str,
    /// The line colour.
    pub color: RGBColor,
    /// The points; scores are drawn in percent.
    pub points: Vec<(f64, f64)>,
}

/// Draws score lines in percent on `area`, the y axis starting a little
/// below the lowest score, with a legend in the lower right.
pub fn score_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, plotters::coord::Shift>,
    caption: &str,
    x_desc: &str,
    x_range: std::ops::Range<f64>,
    series: &[Series],
) -> anyhow::Result<()> {
    let low = series.iter().flat_map(|s| s.points.iter().map(|p| p.1)).fold(1.0, f64::min);
    let low = (low * 100.0 - 2.0).clamp(0.0, 98.0);
    let mut chart = ChartBuilder::on(area)
        .caption(caption, ("sans-serif", 20))
        .margin(10)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(x_range, low..100.0)
        .map_err(draw_err)?;
    chart.configure_mesh().x_desc(x_desc).draw().map_err(draw_err)?;
    for s in series {
        let color = s.color;
        chart
            .draw_series(LineSeries::new(s.points.iter().map(|&(x, y)| (x, 100.0 * y)), color))
            .map_err(draw_err)?
            .label(s.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        chart
            .draw_series(s.points.iter().map(|&(x, y)| Circle::new((x, 100.0 * y), 3, color.filled())))
            .map_err(draw_err)?;
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE)
        .border_style(BLACK)
        .draw()
        .map_err(draw_err)?;
    Ok(())
}

/// One chart of score lines against an x axis, written as a PNG to `path`.
pub fn plot_scores(
    series: &[Series],
    caption: &str,
    x_desc: &str,
    x_range: std::ops::Range<f64>,
    path: &Path,
) -> anyhow::Result<()> {
    ensure_font()?;
    let root = BitMapBackend::new(path, (700, 450)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    score_chart(&root, caption, x_desc, x_range, series)?;
    root.present().map_err(draw_err).with_context(|| format!("writing {}", path.display()))
}

/// A heat map of `confusion[gold][predicted]`, each row scaled to its total.
pub fn plot_confusion(confusion: &[Vec<usize>], names: &[String], path: &Path) -> anyhow::Result<()> {
    ensure_font()?;
    let n = confusion.len();
    let cell = 14u32;
    let margin = 170u32;
    let size = margin + cell * n as u32 + 20;
    let root = BitMapBackend::new(path, (size, size)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_err)?;
    let font = ("sans-serif", 11).into_font();
    for (gold, row) in confusion.iter().enumerate() {
        let total: usize = row.iter().sum();
        let y = (margin + cell * gold as u32) as i32;
        root.draw(&Text::new(names[gold].clone(), (4, y), font.clone())).map_err(draw_err)?;
        for (pred, &count) in row.iter().enumerate() {
            let share = if total == 0 { 0.0 } else { count as f64 / total as f64 };
            let x = (margin + cell * pred as u32) as i32;
            let shade = (255.0 * (1.0 - share.sqrt())) as u8;
            let color = if pred == gold { RGBColor(shade, shade, 255) } else { RGBColor(255, shade, shade) };
            root.draw(&Rectangle::new([(x, y), (x + cell as i32 - 1, y + cell as i32 - 1)], color.filled()))
                .map_err(draw_err)?;
        }
    }
    for (pred, name) in names.iter().enumerate() {
        let x = (margin + cell * pred as u32) as i32;
        let style = font.clone().transform(FontTransform::Rotate270);
        root.draw(&Text::new(name.clone(), (x, margin as i32 - 4), style)).map_err(draw_err)?;
    }
    root.present().map_err(draw_err).with_context(|| format!("writing {}", path.display()))
}
