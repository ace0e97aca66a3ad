using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Reports.Plots;

/// <summary>
/// The curves `calibrate --out` draws: for each matmul precision, memory-kernel class and collective, the measured medians
/// and the fitted curve the profile (or, for collectives, the alpha–beta line) predicts at the same sizes and between them.
/// </summary>
public static class CalibrationCurves
{
    /// <summary>Points drawn along each fitted curve, evenly spaced in log size between the smallest and largest measured size.</summary>
    private const int FittedPoints = 48;

    public static readonly IReadOnlyList<CalibrationAxes> Groups =
    [
        new("matmul", "matmul throughput by size", "log10 GFLOP per product", "TFLOP/s"),
        new("memory", "memory-bound kernels by size", "log10 MB moved", "GB/s"),
        new("collectives", "collectives on two ranks by message size", "log10 bytes", "algorithm bandwidth (GB/s)"),
    ];

    public static IReadOnlyList<CalibrationCurve> Build(DeviceProfile profile, CalibrationRecord record) =>
        [.. Matmuls(profile, record), .. Memory(profile, record), .. Collectives(record)];

    /// <summary>Achieved = fitted peak × η(GFLOP per product): the GEMM efficiency curve the cost model applies (Calculon-style peak × efficiency).</summary>
    private static IEnumerable<CalibrationCurve> Matmuls(DeviceProfile profile, CalibrationRecord record) =>
        record.Gemm.GroupBy(g => g.Precision).Select(g =>
        {
            double peak = profile.PeakTflops?.FirstOrDefault(p => p.Precision == g.Key)?.Tflops ?? 0;
            var curve = profile.GemmEfficiency(g.Key);
            var sizes = g.Select(m => m.GflopPerProduct).ToArray();
            var grid = LogGrid(sizes);
            return new CalibrationCurve("matmul", g.Key.Key(), [.. sizes.Select(Math.Log10)], [.. g.Select(m => m.AchievedFlops / 1e12)],
                [.. grid.Select(Math.Log10)], [.. grid.Select(x => peak * curve.At(x))]);
        });

    /// <summary>Achieved = measured reference bandwidth × η(MB moved), the curve of that kernel class (BandwidthFit).</summary>
    private static IEnumerable<CalibrationCurve> Memory(DeviceProfile profile, CalibrationRecord record) =>
        record.Memory.GroupBy(m => (m.Kernel, m.Precision)).Select(g =>
        {
            double reference = (profile.MemoryTBps ?? 0) * 1e12;
            var curve = profile.MemoryCurve(g.Key.Kernel, g.Key.Precision);
            var sizes = g.Select(m => m.Bytes / 1e6).ToArray();
            var grid = LogGrid(sizes);
            string name = g.Key.Kernel.ToString().ToLowerInvariant();
            return new CalibrationCurve("memory", g.Key.Precision == Precision.Fp32 ? name : $"{name} {g.Key.Precision.Key()}", [.. sizes.Select(Math.Log10)], [.. g.Select(m => m.BytesPerSecond / 1e9)],
                [.. grid.Select(Math.Log10)], [.. grid.Select(x => reference * curve.At(x) / 1e9)]);
        });

    /// <summary>Bytes / time, measured and from the fitted line time = a + bytes / B (AlphaBeta's fit of each collective).</summary>
    private static IEnumerable<CalibrationCurve> Collectives(CalibrationRecord record) =>
        AlphaBeta.Fit(record.Collectives).Select(link =>
        {
            var measured = record.Collectives.Where(c => c.Kind == link.Kind).ToList();
            var grid = LogGrid([.. measured.Select(m => (double)m.Bytes)]);
            return new CalibrationCurve("collectives", $"{link.Kind} ({link.Ranks} ranks)",
                [.. measured.Select(m => Math.Log10(m.Bytes))], [.. measured.Select(m => m.Bytes / m.Time.Median / 1e9)],
                [.. grid.Select(Math.Log10)], [.. grid.Select(b => b / (link.Fit.FixedSeconds + b / link.Fit.BytesPerSecond) / 1e9)]);
        });

    private static double[] LogGrid(double[] sizes)
    {
        double low = Math.Log10(sizes.Min()), high = Math.Log10(sizes.Max());
        return [.. Enumerable.Range(0, FittedPoints).Select(i => Math.Pow(10, low + (high - low) * i / (FittedPoints - 1)))];
    }
}
