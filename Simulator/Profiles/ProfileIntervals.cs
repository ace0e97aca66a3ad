using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>A confidence interval [Low, High] of one fitted figure.</summary>
public sealed record Interval(double Low, double High);

/// <summary>A confidence interval of one precision's measured peak, in TFLOP/s.</summary>
public sealed record PeakInterval(Precision Precision, double Low, double High);

/// <summary>
/// Confidence intervals (at <see cref="Level"/>, from <see cref="Resamples"/> bootstrap resamples of the repetitions) of the
/// figures a calibrated profile prices with; the curves' own parameters have theirs in the calibration record's fits.
/// </summary>
public sealed record ProfileIntervals(
    double Level, int Resamples, IReadOnlyList<PeakInterval> PeakTflops, Interval SustainedClockFraction,
    Interval? MemoryTBps = null, Interval? IntraNodeLinkGBps = null, Interval? IntraNodeLinkLatencySeconds = null)
{
    /// <summary>
    /// The profile with every figure at the slow end of its interval, and with every figure at the fast end: the corners of
    /// the intervals taken together, so a step timed with both brackets what the intervals allow (wider than any one figure's).
    /// </summary>
    public (DeviceProfile Slow, DeviceProfile Fast) Corners(DeviceProfile profile) => (At(profile, slow: true), At(profile, slow: false));

    private DeviceProfile At(DeviceProfile profile, bool slow)
    {
        double Pick(Interval interval, bool lowIsSlow = true) => slow == lowIsSlow ? interval.Low : interval.High;
        var peaks = (profile.PeakTflops ?? []).Select(peak => PeakTflops.FirstOrDefault(i => i.Precision == peak.Precision) is { } i
            ? peak with { Tflops = slow ? i.Low : i.High } : peak).ToList();
        var link = profile.IntraNodeLink;
        if (link is not null && IntraNodeLinkGBps is { } gbps) link = link with { GBps = Pick(gbps) };
        if (link is not null && IntraNodeLinkLatencySeconds is { } latency) link = link with { LatencySeconds = Pick(latency, lowIsSlow: false) };
        return profile with
        {
            PeakTflops = peaks,
            SustainedClockFraction = Math.Min(1, Pick(SustainedClockFraction)),
            MemoryTBps = MemoryTBps is { } memory && profile.MemoryTBps is not null ? Pick(memory) : profile.MemoryTBps,
            IntraNodeLink = link,
        };
    }
}
