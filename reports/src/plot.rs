//! The paper figures of a sweep, per panel: cycles per round, trap
//! frequency and speedup against sync, each against concurrency, one
//! series per design with error bars over seeds; SVG and PNG.
//!
//! A geometric concurrency sweep gets a log2 x axis, and a y range over
//! more than two decades a log10 axis; both are drawn as transformed
//! linear axes with labels in the original units.

use crate::grid::is_geometric;
use crate::record::Panel;
use crate::summary::{design_rank, Row, Summary};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The font PNG text is drawn with (SVG names the family only).
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
const FAMILY: &str = "sans-serif";

/// Figure size in pixels (SVG units).
const SIZE: (u32, u32) = (900, 600);

/// One figure kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Figure {
    CyclesPerRound,
    TrapsPerSyscall,
    SpeedupVsSync,
}

impl Figure {
    pub const ALL: [Figure; 3] = [
        Figure::CyclesPerRound,
        Figure::TrapsPerSyscall,
        Figure::SpeedupVsSync,
    ];

    /// Base of the file name.
    pub fn file_stem(self) -> &'static str {
        match self {
            Figure::CyclesPerRound => "cycles_per_round",
            Figure::TrapsPerSyscall => "traps_per_syscall",
            Figure::SpeedupVsSync => "speedup_vs_sync",
        }
    }

    fn y_label(self) -> &'static str {
        match self {
            Figure::CyclesPerRound => "cycles per round",
            Figure::TrapsPerSyscall => "traps per syscall (U-mode exceptions / syscall)",
            Figure::SpeedupVsSync => "speedup vs sync (sync cycles / design cycles)",
        }
    }

    /// (mean, error) of the figure's quantity for `row`.
    fn value(self, row: &Row) -> Option<(f64, f64)> {
        match self {
            Figure::CyclesPerRound => row
                .metrics
                .get("cycles_per_round")
                .map(|s| (s.mean, s.stddev)),
            Figure::TrapsPerSyscall => row
                .metrics
                .get("traps_per_syscall")
                .map(|s| (s.mean, s.stddev)),
            Figure::SpeedupVsSync => row.speedup_vs_sync.map(|s| (s, 0.0)),
        }
    }
}

/// Why plotting failed.
#[derive(Debug)]
pub struct PlotError(pub String);

impl std::fmt::Display for PlotError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlotError {}

fn err(e: impl std::fmt::Display) -> PlotError {
    PlotError(e.to_string())
}

/// A fixed colour per known design, so figures agree with each other.
fn colour(design: &str, index: usize) -> RGBColor {
    match design {
        "sync" => RGBColor(0, 0, 0),
        "async-uintr" => RGBColor(31, 119, 180),
        "async-poll" => RGBColor(44, 160, 44),
        "batch" => RGBColor(255, 127, 14),
        "async-trapnotify" => RGBColor(214, 39, 40),
        "adaptive" => RGBColor(148, 103, 189),
        "ipc-sync" => RGBColor(140, 86, 75),
        "ipc-uintr" => RGBColor(23, 190, 207),
        _ => {
            let (r, g, b) = Palette99::pick(index).to_rgba().rgb();
            RGBColor(r, g, b)
        }
    }
}

/// (concurrency, mean, error) of one point of a series.
type Point = (u64, f64, f64);
/// Series in legend order: (design, points sorted by concurrency).
type Series = Vec<(String, Vec<Point>)>;

fn series(rows: &[&Row], figure: Figure) -> Series {
    let mut by_design: BTreeMap<(usize, String), Vec<Point>> = BTreeMap::new();
    for row in rows {
        if let Some((mean, error)) = figure.value(row) {
            by_design
                .entry(design_rank(&row.design))
                .or_default()
                .push((row.concurrency, mean, error));
        }
    }
    by_design
        .into_iter()
        .map(|((_, design), mut points)| {
            points.sort_by_key(|p| p.0);
            (design, points)
        })
        .collect()
}

/// An axis that is linear or logarithmic in its original units.
#[derive(Clone, Copy)]
struct Axis {
    log_base: Option<f64>,
}

impl Axis {
    fn to(&self, v: f64) -> f64 {
        match self.log_base {
            Some(b) => v.max(f64::MIN_POSITIVE).log(b),
            None => v,
        }
    }

    fn label(&self, t: f64) -> String {
        let v = match self.log_base {
            Some(b) => b.powf(t),
            None => t,
        };
        if v.abs() >= 1e4 {
            // 12k, 1.5M: large counts stay readable on a narrow axis.
            let (scaled, unit) = if v.abs() >= 1e6 {
                (v / 1e6, "M")
            } else {
                (v / 1e3, "k")
            };
            let text = format!("{scaled:.1}");
            format!("{}{unit}", text.trim_end_matches('0').trim_end_matches('.'))
        } else if (v - v.round()).abs() < 1e-6 * v.abs().max(1.0) {
            format!("{}", v.round())
        } else if v.abs() >= 10.0 {
            format!("{v:.0}")
        } else {
            let text = format!("{v:.3}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// Writes every figure of every panel of `summary` into `dir` as
/// `<figure>[-<panel>].svg` and `.png` (the panel suffix only when the
/// sweep has several panels); returns the files written.
pub fn plot_all(summary: &Summary, dir: &Path) -> Result<Vec<PathBuf>, PlotError> {
    register_font()?;
    let mut panels: BTreeMap<&Panel, Vec<&Row>> = BTreeMap::new();
    for row in &summary.rows {
        panels.entry(&row.panel).or_default().push(row);
    }
    let several = panels.len() > 1;
    let mut written = Vec::new();
    for (panel, rows) in panels {
        for figure in Figure::ALL {
            let s = series(&rows, figure);
            if s.is_empty() {
                continue;
            }
            let stem = if several {
                format!("{}-{}", figure.file_stem(), panel.slug())
            } else {
                figure.file_stem().to_string()
            };
            let svg = dir.join(format!("{stem}.svg"));
            let png = dir.join(format!("{stem}.png"));
            draw(
                SVGBackend::new(&svg, SIZE).into_drawing_area(),
                panel,
                figure,
                &s,
            )?;
            draw(
                BitMapBackend::new(&png, SIZE).into_drawing_area(),
                panel,
                figure,
                &s,
            )?;
            written.push(svg);
            written.push(png);
        }
    }
    Ok(written)
}

fn register_font() -> Result<(), PlotError> {
    static ONCE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *ONCE
        .get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err(PlotError("cannot load the bundled font".into()))
    }
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    panel: &Panel,
    figure: Figure,
    series: &Series,
) -> Result<(), PlotError>
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err)?;
    let mut xs: Vec<u64> = series.iter().flat_map(|(_, p)| p).map(|p| p.0).collect();
    xs.sort_unstable();
    xs.dedup();
    let x_axis = Axis {
        log_base: is_geometric(&xs).then_some(2.0),
    };
    let ys: Vec<f64> = series
        .iter()
        .flat_map(|(_, p)| p)
        .flat_map(|&(_, m, e)| [m - e, m + e])
        .collect();
    let y_min = ys.iter().copied().fold(f64::INFINITY, f64::min);
    let y_max = ys.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let y_axis = Axis {
        log_base: (y_min > 0.0 && y_max / y_min > 100.0).then_some(10.0),
    };
    let (x0, x1) = (
        x_axis.to(xs[0] as f64),
        x_axis.to(*xs.last().unwrap() as f64),
    );
    let pad_x = ((x1 - x0) * 0.05).max(0.5);
    let (mut lo, mut hi) = match y_axis.log_base {
        Some(_) => (y_axis.to(y_min), y_axis.to(y_max)),
        None => (y_min.min(0.0), y_max),
    };
    if figure == Figure::SpeedupVsSync && y_axis.log_base.is_none() {
        hi = hi.max(1.0);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad_y = (hi - lo) * 0.08;
    hi += pad_y;
    if y_axis.log_base.is_some() {
        lo -= pad_y;
    }

    // On a log2 axis one tick per power of two (whole exponents).
    // On a log10 axis one tick per decade.
    let y_ticks = match y_axis.log_base {
        Some(_) => ((hi - lo).ceil() as usize + 1).clamp(2, 12),
        None => 10,
    };
    let x_ticks = match x_axis.log_base {
        Some(_) => ((x1 - x0).round() as usize + 1).clamp(2, 16),
        None => xs.len().clamp(2, 12),
    };
    // The legend goes to the corner where it hides no data; if every
    // corner has some, a band above the data is kept free for it.
    let plotted: Vec<(f64, f64)> = series
        .iter()
        .flat_map(|(_, p)| p)
        .map(|&(x, m, _)| (x_axis.to(x as f64), y_axis.to(m)))
        .collect();
    let x_range = (x0 - pad_x, x1 + pad_x);
    let (legend_at, hidden) = emptiest_corner(&plotted, x_range, (lo, hi));
    let legend_at = if hidden == 0 {
        legend_at
    } else {
        // Rows of about 22 px in a plot area of about 490 px.
        let band = ((series.len() as f64 * 22.0 + 16.0) / 490.0).min(0.6);
        hi = lo + (hi - lo) / (1.0 - band);
        emptiest_corner(&plotted, x_range, (lo, hi)).0
    };
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "{} — {}",
                figure.y_label().split(" (").next().unwrap_or(""),
                panel.title()
            ),
            (FAMILY, 22),
        )
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(80)
        .build_cartesian_2d((x0 - pad_x)..(x1 + pad_x), lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(format!(
            "concurrency (submitting coroutines per process){}",
            if x_axis.log_base.is_some() {
                ", log scale"
            } else {
                ""
            }
        ))
        .y_desc(format!(
            "{}{}",
            figure.y_label(),
            if y_axis.log_base.is_some() {
                ", log scale"
            } else {
                ""
            }
        ))
        .x_labels(x_ticks)
        .y_labels(y_ticks)
        .x_label_formatter(&|t| x_axis.label(*t))
        .y_label_formatter(&|t| y_axis.label(*t))
        .label_style((FAMILY, 15))
        .axis_desc_style((FAMILY, 17))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(err)?;

    if figure == Figure::SpeedupVsSync {
        let one = y_axis.to(1.0);
        chart
            .draw_series(LineSeries::new(
                [(x0 - pad_x, one), (x1 + pad_x, one)],
                RGBColor(150, 150, 150).stroke_width(1),
            ))
            .map_err(err)?;
    }
    for (i, (design, points)) in series.iter().enumerate() {
        let c = colour(design, i);
        let pts: Vec<(f64, f64)> = points
            .iter()
            .map(|&(x, m, _)| (x_axis.to(x as f64), y_axis.to(m)))
            .collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), c.stroke_width(2)))
            .map_err(err)?
            .label(design.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], c.stroke_width(2)));
        chart
            .draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled())))
            .map_err(err)?;
        let bars = points.iter().filter(|p| p.2 > 0.0).map(|&(x, m, e)| {
            let x = x_axis.to(x as f64);
            ErrorBar::new_vertical(x, y_axis.to(m - e), y_axis.to(m), y_axis.to(m + e), c, 8)
        });
        chart.draw_series(bars).map_err(err)?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FAMILY, 15))
        .position(legend_at)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)?;
    Ok(())
}

/// The corner of the plot area where the legend hides the fewest data
/// points, and how many it hides (a corner region is 40% of each axis;
/// ties go to the first of upper left, upper right, lower right, lower
/// left).
fn emptiest_corner(
    points: &[(f64, f64)],
    x: (f64, f64),
    y: (f64, f64),
) -> (SeriesLabelPosition, usize) {
    let share = 0.4;
    let (left, right) = (x.0 + (x.1 - x.0) * share, x.1 - (x.1 - x.0) * share);
    let (low, high) = (y.0 + (y.1 - y.0) * share, y.1 - (y.1 - y.0) * share);
    let corners = [
        (SeriesLabelPosition::UpperLeft, true, true),
        (SeriesLabelPosition::UpperRight, false, true),
        (SeriesLabelPosition::LowerRight, false, false),
        (SeriesLabelPosition::LowerLeft, true, false),
    ];
    let hidden = |is_left: bool, is_upper: bool| {
        points
            .iter()
            .filter(|&&(px, py)| {
                (if is_left { px <= left } else { px >= right })
                    && (if is_upper { py >= high } else { py <= low })
            })
            .count()
    };
    let mut best = (SeriesLabelPosition::UpperLeft, usize::MAX);
    for (position, is_left, is_upper) in corners {
        let n = hidden(is_left, is_upper);
        if n < best.1 {
            best = (position, n);
        }
    }
    best
}

#[cfg(test)]
mod legend_tests {
    use super::*;

    #[test]
    fn the_legend_goes_where_no_points_are() {
        let unit = (0.0, 10.0);
        let corner = |pts: &[(f64, f64)]| emptiest_corner(pts, unit, unit).0;
        assert!(matches!(corner(&[]), SeriesLabelPosition::UpperLeft));
        // A flat line at the top (sync in a speedup plot) fills both upper corners.
        let top: Vec<(f64, f64)> = (0..=10).map(|x| (x as f64, 9.5)).collect();
        assert!(matches!(corner(&top), SeriesLabelPosition::LowerRight));
        let mut rising: Vec<(f64, f64)> = (0..=10).map(|x| (x as f64, x as f64)).collect();
        rising.extend(&top);
        assert!(matches!(corner(&rising), SeriesLabelPosition::LowerRight));
        // Crowd the lower right (6 points): the upper left and the lower
        // left hide 5 each, and the tie goes to the upper left.
        rising.extend((0..6).map(|i| (9.0 + i as f64 * 0.1, 1.0)));
        assert!(matches!(corner(&rising), SeriesLabelPosition::UpperLeft));
        // One more in the upper left: the lower left it is.
        rising.push((1.0, 8.0));
        assert!(matches!(corner(&rising), SeriesLabelPosition::LowerLeft));
    }
}
