using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Reports;

/// <summary>A prediction with its accuracy band, e.g. "17.9 days (16.2–19.1)", and where the band comes from.</summary>
public static class BandText
{
    public static string Seconds(double seconds, AccuracyBand? band)
    {
        if (band is not { Exists: true } b) return Units.Seconds(seconds);
        var (unit, name) = seconds switch
        {
            >= 86400 => (86400.0, "days"),
            >= 3600 => (3600.0, "h"),
            >= 60 => (60.0, "min"),
            _ => (1.0, "s"),
        };
        string digits = unit == 1 ? "F3" : "F1";
        return $"{(seconds / unit).ToString(digits)} {name} ({(seconds * b.Low / unit).ToString(digits)}–{(seconds * b.High / unit).ToString(digits)})";
    }

    public static string Dollars(double? dollars, AccuracyBand? band) =>
        dollars is { } d && band is { Exists: true } b ? $"{Units.Dollars(d)} ({Millions(d * b.Low)}–{Millions(d * b.High)})" : Units.Dollars(dollars);

    /// <summary>Where the band comes from: how many comparable published runs, and what they share with the prediction.</summary>
    public static string Source(AccuracyBand? band) => band switch
    {
        null => "no accuracy band",
        { Exists: false } => $"no band: no comparable published run ({band.Regime})",
        _ => $"band from {band.Runs.Count} comparable published run{(band.Runs.Count == 1 ? "" : "s")} ({band.Regime})",
    };

    private static string Millions(double dollars) => dollars >= 1e6 ? $"${dollars / 1e6:F2}M" : dollars >= 1e3 ? $"${dollars / 1e3:F1}k" : $"${dollars:F0}";
}
