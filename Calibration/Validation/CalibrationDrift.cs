namespace ScalePlanner.Calibration.Validation;

/// <summary>
/// Whether the machine changed speed while it was being calibrated: the first fitted block stack is timed once before the
/// matmul sweep and again among the whole blocks at the end. A shared or virtual machine that slows down in between (this
/// project's 2-core VM ran whole blocks 1.5–1.9× slower within minutes, docs/journal.md 2026-12-03) leaves a profile whose
/// matmul peaks and sustained fraction describe two different machines.
/// </summary>
public static class CalibrationDrift
{
    /// <summary>
    /// The change that is called drift: well above the few percent one run's repetitions of a block stack spread by, and
    /// well below the 1.5–1.9× slow phases seen on this VM (journal 2026-12-03, 19:40–20:40 UTC).
    /// </summary>
    public const double Tolerance = 0.15;

    /// <summary>A warning line when the end time is more than <see cref="Tolerance"/> away from the start time; null otherwise.</summary>
    public static string? Warning(string reference, double startSeconds, double endSeconds)
    {
        double change = endSeconds / startSeconds - 1;
        if (Math.Abs(change) <= Tolerance) return null;
        string direction = change > 0 ? $"{change * 100:F0} % slower" : $"{-change * 100:F0} % faster";
        return $"warning: the machine ran {reference} {direction} at the end of calibration ({endSeconds * 1e3:F1} ms) than at its start "
             + $"({startSeconds * 1e3:F1} ms): it changed speed while being measured, so the profile mixes two speeds; calibrate again";
    }
}
