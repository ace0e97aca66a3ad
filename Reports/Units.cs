namespace ScalePlanner.Reports;

/// <summary>Human-readable quantities for tables.</summary>
public static class Units
{
    public static string Bytes(double bytes) => bytes >= 1e12 ? $"{bytes / 1e12:F2} TB" : bytes >= 1e9 ? $"{bytes / 1e9:F2} GB" : $"{bytes / 1e6:F1} MB";

    public static string Seconds(double seconds) => seconds switch
    {
        >= 86400 => $"{seconds / 86400:F1} days",
        >= 3600 => $"{seconds / 3600:F1} h",
        >= 60 => $"{seconds / 60:F1} min",
        >= 1 => $"{seconds:F3} s",
        _ => $"{seconds * 1e3:F2} ms",
    };

    /// <summary>Whole dollars with thousands separators; a dash when there is no price.</summary>
    public static string Dollars(double? dollars) => dollars is { } d ? $"${d:N0}" : "—";

    public static string Count(double value) => value >= 1e12 ? $"{value / 1e12:F2} T" : value >= 1e9 ? $"{value / 1e9:F2} B" : value >= 1e6 ? $"{value / 1e6:F2} M" : $"{value:F0}";
}
