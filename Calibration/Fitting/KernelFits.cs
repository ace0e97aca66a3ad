using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Calibration.Fitting;

/// <summary>
/// The fits of the kernel and collective microruns, each with bootstrap intervals (<see cref="Bootstrap"/>) on its parameters:
/// every measurement's repetitions are drawn again, and the model the fit kept is refitted on the draw.
/// </summary>
public static class KernelFits
{
    public sealed record Gemm(List<PeakOverride> Peaks, List<PeakInterval> PeakIntervals, List<GemmCurve> Curves, List<GemmCurve> WeightGradientCurves);

    public sealed record Memory(double ReferenceBytesPerSecond, Interval ReferenceTBps, List<MemoryKernelCurve> Curves);

    public sealed record Links(IReadOnlyList<AlphaBeta.Link> Fitted, Interval? AllReduceGBps, Interval? AllReduceLatencySeconds);

    /// <summary>Matmul curves per precision: the forward products' peak and curve, and the weight gradients' curve against that peak.</summary>
    public static Gemm Matmuls(IReadOnlyList<GemmMeasurement> gemm, List<CurveFit> fits)
    {
        var result = new Gemm([], [], [], []);
        foreach (var group in gemm.GroupBy(g => g.Precision))
        {
            var forward = group.Where(g => !g.WeightGradient).ToList();
            var fit = GemmFit.Fit($"matmul {group.Key.Key()}", forward);
            var intervals = GemmIntervals(fit.Summary.Model, forward);
            result.Peaks.Add(new PeakOverride(group.Key, fit.PeakFlops / 1e12));
            result.PeakIntervals.Add(new PeakInterval(group.Key, intervals[GemmFit.Peak][0], intervals[GemmFit.Peak][1]));
            result.Curves.Add(new GemmCurve(group.Key, fit.Curve));
            fits.Add(fit.Summary with { Intervals = intervals });
            // The weight-gradient curve is fitted alone, then expressed against the forward products' peak that both share
            // (capped at that peak: an efficiency is at most 1).
            var backward = group.Where(g => g.WeightGradient).ToList();
            var weightGradient = GemmFit.Fit($"matmul {group.Key.Key()} weight gradient", backward);
            result.WeightGradientCurves.Add(new GemmCurve(group.Key, weightGradient.Curve.Scaled(Math.Min(1, weightGradient.PeakFlops / fit.PeakFlops))));
            fits.Add(weightGradient.Summary with { Intervals = GemmIntervals(weightGradient.Summary.Model, backward) });
        }
        return result;
    }

    /// <summary>One bandwidth curve per kernel class and precision, all against the fastest fp32 rate measured (efficiency 1).</summary>
    public static Memory MemoryKernels(IReadOnlyList<MemoryMeasurement> memory, List<CurveFit> fits)
    {
        var fp32 = memory.Where(m => m.Precision == Precision.Fp32).ToList();
        double reference = BandwidthFit.Reference(fp32);
        var referenceInterval = Bootstrap.Intervals(random => new Dictionary<string, double> { ["TBps"] = BandwidthFit.Reference(Resampled(fp32, random)) / 1e12 })["TBps"];
        var curves = new List<MemoryKernelCurve>();
        foreach (var group in memory.GroupBy(m => (m.Kernel, m.Precision)))
        {
            var measured = group.ToList();
            var fit = BandwidthFit.Fit($"memory {group.Key.Kernel.ToString().ToLowerInvariant()} {group.Key.Precision.Key()}", measured, reference);
            var intervals = Bootstrap.Intervals(random => BandwidthFit.Refit(fit.Summary.Model, Resampled(measured, random), reference));
            curves.Add(new MemoryKernelCurve(group.Key.Kernel, fit.Curve, group.Key.Precision));
            fits.Add(fit.Summary with { Intervals = intervals });
        }
        return new Memory(reference, new Interval(referenceInterval[0], referenceInterval[1]), curves);
    }

    /// <summary>Alpha–beta of every collective measured, with intervals; the all-reduce's become the intra-node link's.</summary>
    public static Links Collectives(IReadOnlyList<CollectiveMeasurement> collectives, List<CurveFit> fits)
    {
        if (collectives.Count == 0) return new Links([], null, null);
        var links = AlphaBeta.Fit(collectives);
        var intervals = Bootstrap.Intervals(random => AlphaBeta.Fit([.. collectives.Select(c => c with { Time = Statistics.Resample(c.Time, random) })])
            .SelectMany(l => new[] { ($"{l.Name}.alphaMicroseconds", l.Spec.LatencySeconds * 1e6), ($"{l.Name}.GBps", l.Spec.GBps) })
            .ToDictionary(p => p.Item1, p => p.Item2));
        foreach (var l in links)
        {
            fits.Add(new CurveFit(l.Name, "alpha-beta",
                new Dictionary<string, double> { ["alphaMicroseconds"] = l.Spec.LatencySeconds * 1e6, ["GBps"] = l.Spec.GBps }, l.Fit.FitMapePercent, l.Fit.HeldOutMapePercent,
                Intervals: new Dictionary<string, double[]> { ["alphaMicroseconds"] = intervals[$"{l.Name}.alphaMicroseconds"], ["GBps"] = intervals[$"{l.Name}.GBps"] }));
        }
        // The interval the profile records is the intra-node all-reduce's (the link the cost model's IntraNodeLink takes).
        string allReduce = links.FirstOrDefault(l => l.Kind == nameof(CollectiveKind.AllReduce) && !l.InterNode)?.Name ?? "";
        return intervals.TryGetValue($"{allReduce}.GBps", out var gbps) && intervals.TryGetValue($"{allReduce}.alphaMicroseconds", out var alpha)
            ? new Links(links, new Interval(gbps[0], gbps[1]), new Interval(alpha[0] * 1e-6, alpha[1] * 1e-6))
            : new Links(links, null, null);
    }

    private static Dictionary<string, double[]> GemmIntervals(string model, IReadOnlyList<GemmMeasurement> measured) =>
        Bootstrap.Intervals(random => GemmFit.Refit(model, [.. measured.Select(m => m with { Time = Statistics.Resample(m.Time, random) })])).ToDictionary();

    private static List<MemoryMeasurement> Resampled(IEnumerable<MemoryMeasurement> measured, Random random) =>
        [.. measured.Select(m => m with { Time = Statistics.Resample(m.Time, random) })];
}
