//! `badge.svg`: a shields-style badge `failfirst | 72%`, drawn by the `shields` crate (the
//! shields.io layout and its text-width tables). The colour follows the score in bands;
//! the number is always written, so the colour is never the only carrier of meaning.

/// The score bands, highest first: at or above the percentage, this colour. Dark blue,
/// dark bluish green, dark amber and dark vermillion stay apart for the common forms of
/// colour blindness and carry white text at a readable contrast.
pub const BANDS: [(f64, &str, &str); 4] = [
    (90.0, "#005A8C", "90% and above"),
    (75.0, "#00735A", "75% to 89%"),
    (50.0, "#8F5200", "50% to 74%"),
    (0.0, "#B3261E", "below 50%"),
];

/// The colour of a badge without a score.
pub const NO_SCORE_COLOUR: &str = "#6E6E6E";

/// The badge's colour for a team score in percent.
pub fn colour(score: f64) -> &'static str {
    BANDS
        .iter()
        .find(|(threshold, _, _)| score.round() >= *threshold)
        .map_or(BANDS[BANDS.len() - 1].1, |(_, colour, _)| colour)
}

/// The badge for `score` (a percentage, or `None` when no handler was found or there is no
/// history yet), as an SVG document.
pub fn badge(score: Option<f64>) -> String {
    let (message, colour) = match score {
        // A whole percent: the badge is read at a glance.
        Some(score) => (format!("{:.0}%", score.round()), colour(score)),
        None => ("no score".to_string(), NO_SCORE_COLOUR),
    };
    shields::builder::Badge::flat()
        .label("failfirst")
        .message(&message)
        .label_color("#555")
        .message_color(colour)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_to_a_whole_percent_and_colours_by_band() {
        let svg = badge(Some(71.6));
        assert!(svg.contains(">72%<"), "{svg}");
        assert!(svg.contains("failfirst"));
        assert!(svg.to_lowercase().contains(&colour(71.6).to_lowercase()));
        assert_eq!(colour(89.5), "#005A8C");
        assert_eq!(colour(89.4), "#00735A");
        assert_eq!(colour(50.0), "#8F5200");
        assert_eq!(colour(12.0), "#B3261E");
        assert!(badge(None).contains("no score"));
    }
}
