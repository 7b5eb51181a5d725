//! Charts people would rather look at than read: server-rendered SVG, no JavaScript. Each chart
//! is a pure function from numbers to an `<svg>` with a `<title>` and a `<desc>` (named through
//! `aria-labelledby`), scaled to its container by its `viewBox` so it never makes a page scroll
//! sideways, and printable (plain fills, no hover). Colour is never the only signal: vacant
//! seats are hatched, every bar carries its numbers as text, and the pages show the same numbers
//! as a table beside the chart.

use std::fmt::Write as _;

use chrono::NaiveDate;

use crate::web::format::{count_da, date_da};

/// Accepted: green (5.1:1 against white).
const ACCEPTED: &str = "#2e7d32";
/// Invited, not yet answered: amber (3.5:1 against white).
const INVITED: &str = "#b26a00";
/// Vacant: red, hatched (5.6:1 against white).
const VACANT: &str = "#c62828";
/// Text.
const INK: &str = "#1b1b1b";
/// Width of every chart's coordinate system; the page scales it.
const WIDTH: u32 = 420;

/// One bar: a party's or a station's seats by state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// What the bar is (a party, a station).
    pub label: String,
    /// Vacant seats.
    pub vacant: u32,
    /// Invited, not answered.
    pub invited: u32,
    /// Accepted.
    pub accepted: u32,
}

impl Fill {
    /// All seats of the bar.
    pub fn seats(&self) -> u64 {
        u64::from(self.vacant) + u64::from(self.invited) + u64::from(self.accepted)
    }

    /// "3 accepteret, 1 ubesvaret, 2 ledige af 6" – the bar's numbers as words.
    pub fn words(&self) -> String {
        format!(
            "{}, {}, {} af {}",
            count_da(self.accepted.into(), "accepteret", "accepterede"),
            count_da(self.invited.into(), "ubesvaret", "ubesvarede"),
            count_da(self.vacant.into(), "ledig", "ledige"),
            self.seats()
        )
    }
}

/// A group of station bars (an area), drawn under its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FillGroup {
    /// The area's name.
    pub name: String,
    /// Its stations, in the order given (Danish order).
    pub bars: Vec<Fill>,
}

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to `max` characters with "…", for labels inside a chart (the table beside it has
/// the whole name).
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// The opening of a chart: `<svg>` named by its title and described by its description, and the
/// hatching for vacant seats.
fn open(out: &mut String, id: &str, height: u32, title: &str, desc: &str) {
    let id = esc(id);
    let _ = write!(
        out,
        r##"<svg class="chart" id="{id}" role="img" aria-labelledby="{id}-titel {id}-beskrivelse" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">"##
    );
    let _ = write!(
        out,
        r##"<title id="{id}-titel">{}</title><desc id="{id}-beskrivelse">{}</desc>"##,
        esc(title),
        esc(desc)
    );
    let _ = write!(
        out,
        r##"<defs><pattern id="{id}-ledig" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="{VACANT}"/></pattern></defs>"##
    );
}

/// The legend line: the three states with their swatches.
fn legend(out: &mut String, id: &str, y: u32) {
    let id = esc(id);
    let items = [
        ("Accepteret", ACCEPTED.to_owned()),
        ("Ubesvaret", INVITED.to_owned()),
        ("Ledig", format!("url(#{id}-ledig)")),
    ];
    let mut x = 0u32;
    for (label, fill) in items {
        let _ = write!(
            out,
            r##"<rect x="{x}" y="{}" width="14" height="14" fill="{fill}" stroke="{INK}" stroke-width="0.5"/><text x="{}" y="{}" font-size="13" fill="{INK}">{label}</text>"##,
            y.saturating_sub(11),
            x + 19,
            y
        );
        x += 120;
    }
}

/// Where a bar goes: its top-left corner, its full width and its height.
#[derive(Debug, Clone, Copy)]
struct Frame {
    x: f64,
    y: u32,
    width: f64,
    height: u32,
}

/// Draws one stacked bar for `fill` in `frame`, scaled so `scale` seats fill its width.
fn stacked(out: &mut String, id: &str, fill: &Fill, frame: Frame, scale: u64) {
    let Frame {
        x,
        y,
        width,
        height: h,
    } = frame;
    if scale == 0 {
        return;
    }
    let vacant = format!("url(#{}-ledig)", esc(id));
    let mut at = x;
    for (n, colour) in [
        (fill.accepted, ACCEPTED),
        (fill.invited, INVITED),
        (fill.vacant, vacant.as_str()),
    ] {
        if n == 0 {
            continue;
        }
        let w = width * f64::from(n) / scale as f64;
        let _ = write!(
            out,
            r##"<rect x="{at:.1}" y="{y}" width="{w:.1}" height="{h}" fill="{colour}" stroke="#fff" stroke-width="1"/>"##
        );
        at += w;
    }
}

/// Fill per party: one horizontal bar per party, as long as its number of seats, stacked
/// accepted → invited → vacant, with the numbers written after it.
pub fn party_fill(id: &str, title: &str, parties: &[Fill]) -> String {
    let row = 44u32;
    let height = 30
        + row
            * u32::try_from(parties.len())
                .unwrap_or(u32::MAX / row)
                .max(1);
    let desc = if parties.is_empty() {
        "Der er ingen pladser endnu.".to_owned()
    } else {
        parties
            .iter()
            .map(|p| format!("{}: {}", p.label, p.words()))
            .collect::<Vec<_>>()
            .join(". ")
            + "."
    };
    let mut out = String::new();
    open(&mut out, id, height, title, &desc);
    legend(&mut out, id, 14);
    let most = parties.iter().map(Fill::seats).max().unwrap_or(0);
    let bar_width = f64::from(WIDTH) * 0.62;
    for (i, p) in parties.iter().enumerate() {
        let top = 30 + row * u32::try_from(i).unwrap_or(0);
        let _ = write!(
            out,
            r##"<text x="0" y="{}" font-size="13" fill="{INK}">{}</text>"##,
            top + 13,
            esc(&clip(&p.label, 48))
        );
        stacked(
            &mut out,
            id,
            p,
            Frame {
                x: 0.0,
                y: top + 18,
                width: bar_width,
                height: 18,
            },
            most,
        );
        let used = if most == 0 {
            0.0
        } else {
            bar_width * p.seats() as f64 / most as f64
        };
        let _ = write!(
            out,
            r##"<text x="{:.1}" y="{}" font-size="12" fill="{INK}">{} af {}</text>"##,
            used + 6.0,
            top + 32,
            p.accepted,
            p.seats()
        );
    }
    out.push_str("</svg>");
    out
}

/// Fill per station: a grid of small bars, two to a row, under each area's name. Each bar is a
/// station's seats as a whole (so small and large stations compare by how full they are), with
/// "accepterede af pladser" beside its name.
pub fn station_fill(id: &str, title: &str, areas: &[FillGroup]) -> String {
    const COLS: u32 = 2;
    const CELL_W: u32 = 200;
    const CELL_H: u32 = 40;
    const HEAD: u32 = 26;
    let mut height = 28u32;
    for a in areas {
        let n = u32::try_from(a.bars.len()).unwrap_or(0);
        height += HEAD + n.div_ceil(COLS) * CELL_H;
    }
    let stations: usize = areas.iter().map(|a| a.bars.len()).sum();
    let full = areas
        .iter()
        .flat_map(|a| &a.bars)
        .filter(|b| b.vacant == 0 && b.invited == 0 && b.seats() > 0)
        .count();
    let desc = format!(
        "{} i {}; {} fuldt bemandet. {}",
        count_da(stations as u64, "valgsted", "valgsteder"),
        count_da(areas.len() as u64, "område", "områder"),
        full,
        areas
            .iter()
            .flat_map(|a| &a.bars)
            .map(|b| format!("{}: {}.", b.label, b.words()))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut out = String::new();
    open(&mut out, id, height, title, desc.trim_end());
    legend(&mut out, id, 14);
    let mut top = 28u32;
    for a in areas {
        let _ = write!(
            out,
            r##"<text x="0" y="{}" font-size="14" font-weight="bold" fill="{INK}">{}</text>"##,
            top + 18,
            esc(&clip(&a.name, 48))
        );
        top += HEAD;
        for (i, b) in a.bars.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(0);
            let x = (i % COLS) * (CELL_W + 10);
            let y = top + (i / COLS) * CELL_H;
            let _ = write!(
                out,
                r##"<text x="{x}" y="{}" font-size="12" fill="{INK}">{} · {} af {}</text>"##,
                y + 12,
                esc(&clip(&b.label, 22)),
                b.accepted,
                b.seats()
            );
            let _ = write!(
                out,
                r##"<rect x="{x}" y="{}" width="{CELL_W}" height="14" fill="none" stroke="{INK}" stroke-width="0.5"/>"##,
                y + 17
            );
            let frame = Frame {
                x: f64::from(x),
                y: y + 17,
                width: f64::from(CELL_W),
                height: 14,
            };
            stacked(&mut out, id, b, frame, b.seats());
        }
        let n = u32::try_from(a.bars.len()).unwrap_or(0);
        top += n.div_ceil(COLS) * CELL_H;
    }
    out.push_str("</svg>");
    out
}

/// Sign-ups over time: the number of seats accepted so far, day by day from the first to the
/// last day in `per_day` (a day without sign-ups keeps the level), as a line with a dot per
/// sign-up day, the first and last dates under it and the total beside it.
pub fn signups(id: &str, title: &str, per_day: &[(NaiveDate, u32)]) -> String {
    let height = 200u32;
    let (left, right, top, bottom) = (40.0, f64::from(WIDTH) - 10.0, 24.0, 170.0);
    let mut days: Vec<(NaiveDate, u32)> = per_day.iter().filter(|d| d.1 > 0).copied().collect();
    days.sort_by_key(|d| d.0);
    let total: u64 = days.iter().map(|d| u64::from(d.1)).sum();
    let desc = match (days.first(), days.last()) {
        (Some(first), Some(last)) => format!(
            "{} fra {} til {}. {}",
            count_da(total, "tilmelding", "tilmeldinger"),
            date_da(first.0),
            date_da(last.0),
            days.iter()
                .map(|(d, n)| format!("{}: {}.", date_da(*d), n))
                .collect::<Vec<_>>()
                .join(" ")
        ),
        _ => "Ingen tilmeldinger endnu.".to_owned(),
    };
    let mut out = String::new();
    open(&mut out, id, height, title, desc.trim_end());
    // The axes.
    let _ = write!(
        out,
        r##"<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{INK}"/><line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{INK}"/><text x="{}" y="{}" font-size="12" text-anchor="end" fill="{INK}">0</text><text x="{}" y="{}" font-size="12" text-anchor="end" fill="{INK}">{total}</text>"##,
        left - 4.0,
        bottom,
        left - 4.0,
        top + 4.0
    );
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let span = (last.0 - first.0).num_days().max(1) as f64;
        let scale = total.max(1) as f64;
        let mut sum = 0u64;
        let mut points = format!("{left:.1},{bottom:.1}");
        let mut dots = String::new();
        for (d, n) in &days {
            let x = left + (right - left) * (*d - first.0).num_days() as f64 / span;
            let before = bottom - (bottom - top) * sum as f64 / scale;
            sum += u64::from(*n);
            let y = bottom - (bottom - top) * sum as f64 / scale;
            // A step: the level holds until the day, then rises.
            let _ = write!(points, " {x:.1},{before:.1} {x:.1},{y:.1}");
            let _ = write!(
                dots,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{ACCEPTED}"/>"##
            );
        }
        let _ = write!(
            out,
            r##"<polyline points="{points}" fill="none" stroke="{ACCEPTED}" stroke-width="2"/>{dots}<text x="{left}" y="{}" font-size="12" fill="{INK}">{}</text><text x="{right}" y="{}" font-size="12" text-anchor="end" fill="{INK}">{}</text>"##,
            bottom + 18.0,
            date_da(first.0),
            bottom + 18.0,
            date_da(last.0)
        );
    } else {
        let _ = write!(
            out,
            r##"<text x="{}" y="{}" font-size="13" fill="{INK}">Ingen tilmeldinger endnu.</text>"##,
            left + 10.0,
            (top + bottom) / 2.0
        );
    }
    out.push_str("</svg>");
    out
}

/// The three charts of an overview (the secretariat's, or a party's own) with the numbers for
/// the tables beside them (`charts.html`).
#[derive(Debug, Clone)]
pub struct Charts {
    /// Fill per party.
    pub party_svg: String,
    /// Fill per station.
    pub station_svg: String,
    /// Sign-ups over time.
    pub signup_svg: String,
    /// The parties' numbers.
    pub parties: Vec<Fill>,
    /// The stations' numbers, area by area.
    pub areas: Vec<FillGroup>,
    /// Each sign-up day: the date, that day's sign-ups, the running total.
    pub days: Vec<(String, u32, u64)>,
}

impl Charts {
    /// The charts of `ov`; `scope` tells the charts apart on a page and in their titles
    /// ("Folketingsvalg 2026", "Parti A").
    pub fn of(ov: &valghalla_core::service::Overview, scope: &str) -> Charts {
        let fill = |label: &str, c: &valghalla_core::service::Counts| Fill {
            label: label.to_owned(),
            vacant: c.vacant,
            invited: c.invited,
            accepted: c.accepted,
        };
        let parties: Vec<Fill> = ov.shares.iter().map(|s| fill(&s.name, &s.counts)).collect();
        let areas: Vec<FillGroup> = ov
            .areas
            .iter()
            .map(|a| FillGroup {
                name: a.name.clone(),
                bars: a
                    .locations
                    .iter()
                    .map(|l| fill(&l.title, &l.totals))
                    .collect(),
            })
            .collect();
        let per_day: Vec<(NaiveDate, u32)> =
            ov.accepted_per_day.iter().map(|(d, n)| (*d, *n)).collect();
        let mut running = 0u64;
        let days = per_day
            .iter()
            .map(|(d, n)| {
                running += u64::from(*n);
                (date_da(*d), *n, running)
            })
            .collect();
        Charts {
            party_svg: party_fill(
                "graf-partier",
                &format!("Bemanding pr. parti – {scope}"),
                &parties,
            ),
            station_svg: station_fill(
                "graf-valgsteder",
                &format!("Bemanding pr. valgsted – {scope}"),
                &areas,
            ),
            signup_svg: signups(
                "graf-tilmeldinger",
                &format!("Tilmeldinger over tid – {scope}"),
                &per_day,
            ),
            parties,
            areas,
            days,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(label: &str, vacant: u32, invited: u32, accepted: u32) -> Fill {
        Fill {
            label: label.into(),
            vacant,
            invited,
            accepted,
        }
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    /// The widths of the rects drawn with `fill`.
    fn widths(svg: &str, fill: &str) -> Vec<f64> {
        svg.split("<rect ")
            .filter(|r| r.contains(&format!("fill=\"{fill}\"")) && r.contains("stroke=\"#fff\""))
            .filter_map(|r| {
                let w = r.split("width=\"").nth(1)?;
                w[..w.find('"')?].parse().ok()
            })
            .collect()
    }

    #[test]
    fn every_chart_has_a_title_and_a_description_it_is_named_by() {
        for svg in [
            party_fill("a", "Partier", &[fill("A", 1, 1, 1)]),
            station_fill(
                "b",
                "Valgsteder",
                &[FillGroup {
                    name: "Nord".into(),
                    bars: vec![fill("Skolen", 1, 0, 2)],
                }],
            ),
            signups("c", "Tilmeldinger", &[(day(3), 2)]),
        ] {
            let id = svg
                .split("id=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap_or_default()
                .to_owned();
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"), "{svg}");
            assert!(svg.contains(&format!("aria-labelledby=\"{id}-titel {id}-beskrivelse\"")));
            assert!(svg.contains(&format!("<title id=\"{id}-titel\">")));
            assert!(svg.contains(&format!("<desc id=\"{id}-beskrivelse\">")));
            assert!(svg.contains("role=\"img\"") && svg.contains("viewBox="));
            assert!(!svg.contains("<script"));
        }
    }

    #[test]
    fn party_bars_are_as_long_as_their_seats_and_stacked_by_state() {
        let svg = party_fill("p", "Partier", &[fill("A", 2, 2, 4), fill("B", 4, 0, 0)]);
        let accepted = widths(&svg, ACCEPTED);
        let invited = widths(&svg, INVITED);
        let vacant = widths(&svg, "url(#p-ledig)");
        // A has 8 seats (the longest bar, 62 % of 420 = 260.4): 4 accepted is half of it.
        assert_eq!(accepted, vec![130.2]);
        assert_eq!(invited, vec![65.1]);
        // A's two vacant seats, then B's four (half the longest bar).
        assert_eq!(vacant, vec![65.1, 130.2]);
        assert!(svg.contains(">4 af 8<") && svg.contains(">0 af 4<"));
        assert!(svg.contains("A: 4 accepterede, 2 ubesvarede, 2 ledige af 8. B: 0 accepterede, 0 ubesvarede, 4 ledige af 4."));
    }

    #[test]
    fn station_bars_are_each_a_whole_and_grouped_under_their_area() {
        let svg = station_fill(
            "s",
            "Valgsteder",
            &[
                FillGroup {
                    name: "Øst & Vest".into(),
                    bars: vec![fill("Hallen", 0, 0, 10), fill("Skolen", 1, 0, 1)],
                },
                FillGroup {
                    name: "Ærø".into(),
                    bars: vec![fill("Kroen", 3, 0, 0)],
                },
            ],
        );
        // Every station's bar is the full cell width, whatever its seats.
        assert_eq!(widths(&svg, ACCEPTED), vec![200.0, 100.0]);
        assert_eq!(widths(&svg, "url(#s-ledig)"), vec![100.0, 200.0]);
        assert!(svg.contains("Øst &amp; Vest"), "names are escaped");
        let east = svg.find("Øst &amp; Vest</text>").unwrap_or(usize::MAX);
        let aero = svg.find("Ærø</text>").unwrap_or(0);
        assert!(east < aero, "areas keep the order given");
        assert!(svg.contains("3 valgsteder i 2 områder; 1 fuldt bemandet."));
        assert!(svg.contains(">Hallen · 10 af 10<"));
    }

    #[test]
    fn sign_ups_rise_day_by_day_to_the_total() {
        let svg = signups(
            "t",
            "Tilmeldinger",
            &[(day(5), 1), (day(1), 2), (day(3), 0)],
        );
        assert!(svg.contains(
            "3 tilmeldinger fra 01.11.2026 til 05.11.2026. 01.11.2026: 2. 05.11.2026: 1."
        ));
        // From 0 at the left, up to 2 on the 1st, held, then up to 3 (the top) on the 5th.
        assert!(
            svg.contains(r##"points="40.0,170.0 40.0,170.0 40.0,72.7 410.0,72.7 410.0,24.0""##),
            "{svg}"
        );
        assert!(svg.contains(">3</text>"));
    }

    #[test]
    fn empty_charts_say_so() {
        assert!(signups("t", "T", &[]).contains("Ingen tilmeldinger endnu."));
        assert!(party_fill("p", "P", &[]).contains("Der er ingen pladser endnu."));
        assert!(clip("Sankt Jørgens Skole, gymnastiksalen", 10).ends_with('…'));
        assert_eq!(clip("Skolen", 10), "Skolen");
    }
}
