using MathNet.Numerics.Distributions;
using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Simulation;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.Validation;

/// <summary>
/// Accuracy bands for predictions, from the cost model's residuals on the validation sets in the accuracy goal (Megatron SC21
/// Table 1 and the goal sets of validation/public; never the informational ones). For a job the comparable runs are those of
/// the closest regime with at least <see cref="MinRuns"/> runs, trying in order: the same stack, accelerator architecture and
/// model size within <see cref="SizeFactor"/>×; the same stack and architecture; the same stack and size on another
/// architecture; the same stack. The band is the 90 % prediction interval of their log time ratios, so it widens when the
/// runs are few or disagree, and it is shifted when the model is biased in that regime.
/// </summary>
public sealed class AccuracyBands(IReadOnlyList<Residual> residuals)
{
    public const int MinRuns = 3;
    public const double SizeFactor = 4;
    /// <summary>Two-sided coverage of the band.</summary>
    public const double Coverage = 0.90;

    public IReadOnlyList<Residual> Residuals => residuals;

    private static readonly Lazy<AccuracyBands> Bundled = new(() => Load(Path.Combine(AppContext.BaseDirectory, "validation")));

    /// <summary>The bands of the validation sets shipped with the program (none when the folder is missing).</summary>
    public static AccuracyBands Default => Bundled.Value;

    public static AccuracyBands Load(string folder)
    {
        if (!Directory.Exists(folder)) return new AccuracyBands([]);
        var list = new List<Residual>();
        foreach (var (job, row) in MegatronTable1.Evaluate(Path.Combine(folder, MegatronTable1.FileName)))
            list.Add(new Residual(row.Name, row.Table, job.Training.Framework, job.Cluster.Accelerator.Key, job.Model.ParameterCount, Residual.Ratio(row.Metric, row.Predicted, row.Published)));
        foreach (var e in PublicCorpus.Evaluate(Path.Combine(folder, PublicCorpus.Folder)).Where(e => e.Set.InGoal))
            list.Add(new Residual(e.Row.Name, e.Set.Name, e.Job.Training.Framework, e.Job.Cluster.Accelerator.Key, e.Job.Model.ParameterCount, Residual.Ratio(e.Row.Metric, e.Row.Predicted, e.Row.Published)));
        return new AccuracyBands(list);
    }

    public AccuracyBand For(TrainingJob job) => For(job.Training.Framework, job.Cluster.Accelerator.Key, job.Model.ParameterCount);

    public AccuracyBand For(Framework framework, string accelerator, double parameters)
    {
        string architecture = Architecture(accelerator), stack = framework.Key();
        bool Sized(Residual r) => r.Parameters <= parameters * SizeFactor && r.Parameters >= parameters / SizeFactor;
        bool Stack(Residual r) => r.Framework == framework;
        bool Same(Residual r) => Architecture(r.Accelerator) == architecture;
        string size = $"{Billions(parameters / SizeFactor)}–{Billions(parameters * SizeFactor)} parameters";
        (Func<Residual, bool> Where, string Regime)[] tiers =
        [
            (r => Stack(r) && Same(r) && Sized(r), $"{stack} on {architecture}, {size}"),
            (r => Stack(r) && Same(r), $"{stack} on {architecture}, any size"),
            (r => Stack(r) && Sized(r), $"{stack}, {size}, on other accelerators: none on {architecture}"),
            (Stack, $"{stack}, any size, on other accelerators: none on {architecture}"),
        ];
        foreach (var (where, regime) in tiers)
        {
            var runs = residuals.Where(where).ToList();
            if (runs.Count >= MinRuns) return Interval(runs, regime);
        }
        return AccuracyBand.None($"no goal-set run with the {stack} stack{(residuals.Any(Stack) ? $" on {architecture}" : "")}");
    }

    /// <summary>
    /// The prediction interval of a normal sample for one new observation, x̄ ± t(n−1) · s · √(1 + 1/n) (Hahn &amp; Meeker,
    /// Statistical Intervals, 1991, §4.4), on log time ratios, turned back into factors.
    /// </summary>
    public static AccuracyBand Interval(IReadOnlyList<Residual> runs, string regime)
    {
        var logs = runs.Select(r => Math.Log(r.TimeRatio)).ToArray();
        int n = logs.Length;
        double mean = logs.Average();
        double sd = Math.Sqrt(logs.Sum(x => (x - mean) * (x - mean)) / (n - 1));
        double t = StudentT.InvCDF(0, 1, n - 1, 1 - (1 - Coverage) / 2);
        double half = t * sd * Math.Sqrt(1 + 1.0 / n);
        return new AccuracyBand(Math.Exp(mean - half), Math.Exp(mean + half), regime, [.. runs.Select(r => r.Name)]);
    }

    /// <summary>Accelerators of one architecture share a band: the same compute die behaves alike across memory and board variants.</summary>
    public static string Architecture(string accelerator) => accelerator switch
    {
        _ when accelerator.StartsWith("a100", StringComparison.Ordinal) => "Ampere (A100)",
        "h100-sxm" or "h100-pcie" or "h200" or "h800" => "Hopper (H100/H200/H800)",
        "b200" or "gb200" => "Blackwell (B200/GB200)",
        _ => accelerator,
    };

    private static string Billions(double parameters) => parameters >= 1e9 ? $"{parameters / 1e9:0.#}B" : $"{parameters / 1e6:0}M";
}
