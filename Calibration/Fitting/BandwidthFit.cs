using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Fitting;

/// <summary>
/// Achieved bandwidth of one class of memory-bound kernels by bytes moved, two ways: the alpha–beta line
/// time = a + bytes/B (which is the saturating curve η(MB) = Max·x/(x + Half) with Max = B/B_ref, Half = a·B/1e6), and a
/// table of measured efficiencies interpolated in log size, which follows the cache steps a line cannot. Both are fitted to
/// two thirds of the sizes; the one with the lower error on the held-out third is kept and refitted on all sizes.
/// </summary>
public static class BandwidthFit
{
    public sealed record Result(EfficiencyCurve Curve, CurveFit Summary);

    /// <param name="reference">Bytes per second that efficiency 1 stands for (the profile's memory bandwidth).</param>
    public static Result Fit(string name, IReadOnlyList<MemoryMeasurement> measurements, double reference)
    {
        var sorted = Points(measurements);
        var train = sorted.Where((_, i) => !RelativeLeastSquares.HeldOut(i)).ToList();
        var held = sorted.Where((_, i) => RelativeLeastSquares.HeldOut(i)).ToList();
        var errors = Models.Select(c => Error(c.Fit(train, reference), held, reference)).ToArray();
        int best = errors[0] <= errors[1] ? 0 : 1;
        var curve = Models[best].Fit(sorted, reference);
        var summary = new CurveFit(name, Models[best].Name, Parameters(curve, reference), Error(curve, sorted, reference), errors[best],
            $"{Models[1 - best].Name}: held-out error {errors[1 - best]:F1} %");
        return new Result(curve, summary);
    }

    /// <summary>The model <paramref name="model"/> (the name <see cref="Fit"/> chose) fitted again on other timings of the same sizes: its parameters.</summary>
    public static IReadOnlyDictionary<string, double> Refit(string model, IReadOnlyList<MemoryMeasurement> measurements, double reference) =>
        Parameters(Models.Single(m => m.Name == model).Fit(Points(measurements), reference), reference);

    private static readonly (string Name, Func<List<(double Bytes, double Seconds)>, double, EfficiencyCurve> Fit)[] Models =
        [("time = a + bytes/B", Line), ("size table", Table)];

    private static List<(double Bytes, double Seconds)> Points(IReadOnlyList<MemoryMeasurement> measurements) =>
        [.. measurements.GroupBy(m => m.Bytes).OrderBy(g => g.Key).Select(g => ((double)g.Key, g.Average(m => m.Time.Estimate)))];

    /// <summary>A line's bandwidth and fixed time (Max = B/B_ref, Half = a·B/1e6 inverted), or a table's efficiencies by size.</summary>
    private static Dictionary<string, double> Parameters(EfficiencyCurve curve, double reference) => curve.Points is null
        ? new Dictionary<string, double> { ["GBps"] = curve.Max * reference / 1e9, ["fixedMicroseconds"] = curve.Half * 1e6 / (curve.Max * reference) * 1e6 }
        : curve.Points.ToDictionary(p => $"eta@{p[0]:G3}MB", p => p[1]);

    /// <summary>The fastest bytes per second any measurement reached: efficiency 1 of every class's curve.</summary>
    public static double Reference(IEnumerable<MemoryMeasurement> measurements) => measurements.Max(m => m.BytesPerSecond);

    private static EfficiencyCurve Line(List<(double Bytes, double Seconds)> points, double reference)
    {
        var line = LineFit.Solve(points);
        double bandwidth = Math.Min(1 / line.PerByte, reference); // efficiency cannot exceed 1: cap the bandwidth, then derive Half from it
        return EfficiencyCurve.Saturating(bandwidth / reference, line.Fixed * bandwidth / 1e6);
    }

    private static EfficiencyCurve Table(List<(double Bytes, double Seconds)> points, double reference) =>
        EfficiencyCurve.Table([.. points.Select(p => new[] { p.Bytes / 1e6, Math.Min(1, p.Bytes / p.Seconds / reference) })]);

    private static double Error(EfficiencyCurve curve, IEnumerable<(double Bytes, double Seconds)> points, double reference) =>
        RelativeLeastSquares.Mape(points.Select(p => (p.Bytes / (reference * curve.At(p.Bytes / 1e6)), p.Seconds)));
}
