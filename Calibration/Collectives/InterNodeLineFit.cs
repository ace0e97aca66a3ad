using MathNet.Numerics.Statistics;
using ScalePlanner.Calibration.Fitting;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>
/// time = a + bytes/B for the link across machines (Hockney 1994's alpha–beta), fitted in two parts: the bandwidth from the
/// larger half of the sizes, where the link spends its time moving bytes, and the latency from the smaller half, the
/// small-message fit. One relative least-squares line through all sizes (<see cref="LineFit"/>, right inside a machine) lets a
/// few small messages that waited milliseconds for a shared core set the slope: on this 2-core machine under load it put a
/// measured 11.9 MB/s per device at 29 MB/s. Held-out error as <see cref="LineFit"/>: fitted without every third size, checked
/// on those, then refitted on all.
/// </summary>
public static class InterNodeLineFit
{
    public static LineFit.Result Fit(IReadOnlyList<(double Bytes, double Seconds)> points) =>
        points.Count < 4
            ? throw new Simulator.Specs.SpecException("calibrate", $"{points.Count} sizes across machines are too few to fit a line (4 or more)")
            : LineFit.Fit(points, Solve);

    /// <summary>Seconds per byte from the larger half (at least two sizes), then the fixed seconds from the smaller half.</summary>
    private static (double Fixed, double PerByte) Solve(IReadOnlyList<(double Bytes, double Seconds)> points)
    {
        var sorted = points.OrderBy(p => p.Bytes).ToList();
        int half = sorted.Count / 2;
        var large = sorted.Skip(Math.Min(half, sorted.Count - 2)).ToList();
        double meanBytes = large.Average(p => p.Bytes), meanSeconds = large.Average(p => p.Seconds);
        // Ordinary least-squares slope: Σ(x − x̄)(y − ȳ) / Σ(x − x̄)² (any regression text, e.g. Draper & Smith 1998, §1.2).
        double perByte = large.Sum(p => (p.Bytes - meanBytes) * (p.Seconds - meanSeconds)) / large.Sum(p => (p.Bytes - meanBytes) * (p.Bytes - meanBytes));
        if (!(perByte > 0)) perByte = large.Max(p => p.Seconds / p.Bytes);   // never a negative bandwidth
        double fixedSeconds = sorted.Take(Math.Max(1, half)).Select(p => Math.Max(0, p.Seconds - p.Bytes * perByte)).Median();
        return (fixedSeconds, perByte);
    }
}
