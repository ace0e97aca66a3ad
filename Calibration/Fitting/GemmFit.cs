using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Fitting;

/// <summary>
/// Achieved matmul throughput as a function of the size of one product, two ways: the saturating curve
/// P·F/(F + H) (time = batch·(F + H)/P, a linear model in batch·F and batch) and a monotone table (isotonic regression by
/// pool-adjacent-violators, Barlow et al. 1972) interpolated in log size. Both are fitted to two thirds of the shapes; the one
/// with the lower error on the held-out third is kept and refitted on all shapes.
/// </summary>
public static class GemmFit
{
    public sealed record Result(double PeakFlops, EfficiencyCurve Curve, CurveFit Summary);

    /// <summary>The name of the peak among a refit's figures (a saturating fit also lists it among its parameters).</summary>
    public const string Peak = "peakTflops";

    private interface IModel
    {
        string Name { get; }
        double Seconds(GemmMeasurement m);
        double PeakFlops { get; }
        EfficiencyCurve Curve { get; }
        IReadOnlyDictionary<string, double> Parameters { get; }
    }

    public static Result Fit(string name, IReadOnlyList<GemmMeasurement> measurements)
    {
        if (measurements.Count < 4) throw new Simulator.Specs.SpecException("calibrate", $"{name}: {measurements.Count} shapes are too few to fit a curve");
        var sorted = measurements.OrderBy(m => m.GflopPerProduct).ToList();
        var train = sorted.Where((_, i) => !RelativeLeastSquares.HeldOut(i)).ToList();
        var held = sorted.Where((_, i) => RelativeLeastSquares.HeldOut(i)).ToList();
        Func<IReadOnlyList<GemmMeasurement>, IModel>[] candidates = [Saturating.Fit, MonotoneTable.Fit];
        var scored = candidates.Select(fit => (Fit: fit, Error: Error(fit(train), held))).OrderBy(c => c.Error).ToList();
        var chosen = scored[0].Fit(sorted);
        var rejected = scored[1].Fit(train);
        var summary = new CurveFit(name, chosen.Name, chosen.Parameters, Error(chosen, sorted), scored[0].Error,
            $"{rejected.Name}: held-out error {scored[1].Error:F1} %");
        return new Result(chosen.PeakFlops, chosen.Curve, summary);
    }

    /// <summary>
    /// The model <paramref name="model"/> (a <see cref="CurveFit.Model"/> name <see cref="Fit"/> chose) fitted again on other
    /// timings of the same shapes, as a bootstrap resample has them: its parameters and its peak in TFLOP/s.
    /// </summary>
    public static IReadOnlyDictionary<string, double> Refit(string model, IReadOnlyList<GemmMeasurement> measurements)
    {
        var fitted = model == "saturating" ? Saturating.Fit(measurements) : MonotoneTable.Fit(measurements);
        return new Dictionary<string, double>(fitted.Parameters) { [Peak] = fitted.PeakFlops / 1e12 };
    }

    private static double Error(IModel model, IEnumerable<GemmMeasurement> points) =>
        RelativeLeastSquares.Mape(points.Select(m => (model.Seconds(m), m.Time.Estimate)));

    private sealed class Saturating(double peakGflops, double halfGflop) : IModel
    {
        public string Name => "saturating";
        public double PeakFlops => peakGflops * 1e9;
        public EfficiencyCurve Curve => EfficiencyCurve.Saturating(1.0, halfGflop);
        public IReadOnlyDictionary<string, double> Parameters => new Dictionary<string, double> { [Peak] = peakGflops / 1e3, ["halfGflop"] = halfGflop };

        public double Seconds(GemmMeasurement m) => m.Batch * (m.GflopPerProduct + halfGflop) / peakGflops;

        public static IModel Fit(IReadOnlyList<GemmMeasurement> points)
        {
            var c = RelativeLeastSquares.Fit([.. points.Select(m => new[] { m.Batch * m.GflopPerProduct, (double)m.Batch })], [.. points.Select(m => m.Time.Estimate)]);
            double perGflop = c[0], fixedGflop = Math.Max(0, c[1]);
            if (perGflop <= 0) throw new Simulator.Specs.SpecException("calibrate", "matmul times do not grow with size: the measurements are unusable (was the machine busy?)");
            return new Saturating(1 / perGflop, fixedGflop / perGflop);
        }
    }

    private sealed class MonotoneTable(double peak, double[][] points) : IModel
    {
        public string Name => "monotone table";
        public double PeakFlops => peak;
        public EfficiencyCurve Curve => EfficiencyCurve.Table(points);
        public IReadOnlyDictionary<string, double> Parameters => points.ToDictionary(p => $"eta@{p[0]:G3}GFLOP", p => p[1]);

        public double Seconds(GemmMeasurement m) => m.Flops / (peak * Curve.At(m.GflopPerProduct));

        public static IModel Fit(IReadOnlyList<GemmMeasurement> measured)
        {
            var bySize = measured.GroupBy(m => m.GflopPerProduct).OrderBy(g => g.Key)
                .Select(g => (Size: g.Key, Flops: g.Average(m => m.AchievedFlops))).ToList();
            var values = Isotonic([.. bySize.Select(p => p.Flops)]);
            double peak = values.Max();
            return new MonotoneTable(peak, [.. bySize.Select((p, i) => new[] { p.Size, values[i] / peak })]);
        }

        /// <summary>Pool adjacent violators: the closest non-decreasing sequence in least squares.</summary>
        private static double[] Isotonic(double[] y)
        {
            var blocks = new List<(double Sum, int Count)>();
            foreach (double v in y)
            {
                blocks.Add((v, 1));
                while (blocks.Count > 1 && blocks[^2].Sum / blocks[^2].Count > blocks[^1].Sum / blocks[^1].Count)
                {
                    var merged = (blocks[^2].Sum + blocks[^1].Sum, blocks[^2].Count + blocks[^1].Count);
                    blocks.RemoveAt(blocks.Count - 1);
                    blocks[^1] = merged;
                }
            }
            return [.. blocks.SelectMany(b => Enumerable.Repeat(b.Sum / b.Count, b.Count))];
        }
    }
}
