using ScalePlanner.Executor.Measurements;
using ScalePlanner.Reports;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// Fits a loss law to runs (Huber on log-loss, L-BFGS from a grid), puts a bootstrap around it (refits on resamples of the
/// runs; standard errors and 2.5–97.5 % percentile intervals, Efron &amp; Tibshirani 1993, or the bag of little bootstraps for
/// many runs, <see cref="BootstrapRefits"/>), and answers for a compute budget C the compute-optimal N and D with C = 6ND, the
/// predicted loss, and their intervals. Degenerate data and fits are refused (<see cref="FitChecks"/>).
/// </summary>
public sealed class ScalingLawFit
{
    /// <summary>
    /// The grid is scored and the starts are optimised on at most this many runs, spread evenly over the file; with more runs
    /// the best of them is then refined on all of them. Up to this many, every run takes part from the start.
    /// </summary>
    public const int StartingRuns = 2_000;

    /// <summary>Up to this many runs each bootstrap refit uses all of them (Efron's bootstrap); above, the bag of little bootstraps.</summary>
    public const int WholeBootstrapRuns = 2_000;

    /// <summary>Subsets of the bag of little bootstraps (Kleiner et al. 2014 find 10–20 enough).</summary>
    private const int LittleBootstrapSubsets = 10;

    /// <summary>Subset size n^γ with γ = 0.6, the smallest Kleiner et al. recommend (§3), but never below <see cref="WholeBootstrapRuns"/>.</summary>
    private const double LittleBootstrapGamma = 0.6;

    /// <summary>Refits may degenerate on a resample that happens to miss a size; more than this share of them is an error, not an interval.</summary>
    private const double MaxDegenerateShare = 0.05;

    /// <summary>The fixed seed of the commands' bootstrap, so a report can be reproduced exactly.</summary>
    public const int BootstrapSeed = 20221;

    private readonly IScalingForm form;
    private readonly LogRuns data;
    private readonly double delta;

    public ScalingLawFit(IScalingForm form, IReadOnlyList<ScalingRun> runs, double delta)
    {
        FitChecks.RequireSpread(runs);
        this.form = form;
        this.delta = delta;
        data = LogRuns.Of(runs);
        var starting = data.Strided(StartingRuns);
        var theta = HuberFit.Fit(form, starting, delta, HuberFit.GridStarts(form, starting, delta));
        Theta = starting == data ? theta : HuberFit.Fit(form, data, delta, [theta]);
        FitChecks.RequirePlausible(form, Theta);
    }

    public IScalingForm Form => form;

    /// <summary>How a fit of many runs is done, for the user (null up to <see cref="StartingRuns"/> runs, where every run takes part throughout).</summary>
    public static string? Plan(int runs, int resamples) => runs <= StartingRuns ? null
        : $"{runs:N0} runs: starting points from {StartingRuns:N0} of them, refined on all; " +
          (runs <= WholeBootstrapRuns ? $"{resamples} bootstrap refits" : $"{resamples} bootstrap refits over {LittleBootstrapSubsets} subsets of {SubsetSize(runs):N0} runs (bag of little bootstraps)");

    private static int SubsetSize(int runs) => Math.Max((int)Math.Ceiling(Math.Pow(runs, LittleBootstrapGamma)), WholeBootstrapRuns);

    public double[] Theta { get; }

    public double Loss(double[] theta, double parameters, double tokens) =>
        Math.Exp(form.LogLoss(theta, Math.Log(parameters), Math.Log(tokens), stackalloc double[theta.Length]));

    /// <summary>
    /// <paramref name="resamples"/> bootstrap refits, each started from the full-data optimum and run in parallel; the draws
    /// come from one seeded generator per subset, so the result does not depend on thread timing. Degenerate refits are left
    /// out of the intervals; more than <paramref name="maxDegenerateShare"/> of them is an error.
    /// </summary>
    public BootstrapRefits Bootstrap(int resamples, int seed = BootstrapSeed, Action<double>? progress = null, double maxDegenerateShare = MaxDegenerateShare)
    {
        var subsets = Subsets(resamples, seed);
        var jobs = subsets.SelectMany((s, j) => s.Weights.Select(w => (Subset: j, Weights: w))).ToList();
        var refits = new double[jobs.Count][];
        int done = 0;
        Parallel.For(0, jobs.Count, i =>
        {
            refits[i] = HuberFit.Fit(form, subsets[jobs[i].Subset].Runs.Weighted(jobs[i].Weights), delta, [Theta]);
            progress?.Invoke((double)Interlocked.Increment(ref done) / jobs.Count);
        });
        int degenerate = refits.Count(t => FitChecks.Implausible(form, t) is not null);
        if (degenerate > maxDegenerateShare * refits.Length)
        {
            string example = refits.Select(t => FitChecks.Implausible(form, t)).First(r => r is not null)!;
            throw new SpecException("RUNS.csv", $"{degenerate} of {refits.Length} bootstrap refits degenerate (e.g. {example}); the runs are too few or too alike for intervals");
        }
        // Each subset's centre: its own fit (the objective is a mean, so its weights need no scaling); the whole data's is the point.
        var centres = subsets.Select(s => s.Runs == data ? Theta : HuberFit.Fit(form, s.Runs, delta, [Theta])).ToArray();
        return new BootstrapRefits(Theta, [.. subsets.Select((_, j) => new BootstrapRefits.Subset(centres[j],
            [.. refits.Where((t, i) => jobs[i].Subset == j && FitChecks.Implausible(form, t) is null)]))]);
    }

    /// <summary>
    /// The bootstrap's subsets and each resample's weights (how often it drew each run of its subset, n draws in all). Up to
    /// <see cref="WholeBootstrapRuns"/> runs: one subset, the data. Above: subsets of max(n^γ, that many) runs without replacement.
    /// </summary>
    private List<(LogRuns Runs, List<double[]> Weights)> Subsets(int resamples, int seed)
    {
        int n = data.Count;
        if (n <= WholeBootstrapRuns) return [(data, Resamples(new Random(seed), n, n, resamples))];
        int size = SubsetSize(n);
        var subsets = new (LogRuns, List<double[]>)[LittleBootstrapSubsets];
        Parallel.For(0, LittleBootstrapSubsets, j =>
        {
            var random = new Random(seed + j);
            int[] order = [.. Enumerable.Range(0, n)];
            random.Shuffle(order);   // the first rows of a shuffle: a subset drawn without replacement
            int count = resamples / LittleBootstrapSubsets + (j < resamples % LittleBootstrapSubsets ? 1 : 0);
            subsets[j] = (data.Rows(order[..size]), Resamples(random, size, n, count));
        });
        return [.. subsets];
    }

    /// <summary>Multinomial counts of <paramref name="draws"/> draws with replacement from <paramref name="size"/> runs, for each of <paramref name="count"/> resamples.</summary>
    private static List<double[]> Resamples(Random random, int size, int draws, int count)
    {
        var result = new List<double[]>(count);
        for (int b = 0; b < count; b++)
        {
            var weights = new double[size];
            for (int k = 0; k < draws; k++) weights[random.Next(size)]++;
            result.Add(weights);
        }
        return result;
    }

    public IReadOnlyList<ScalingLawReport.Parameter> Parameters(BootstrapRefits bootstrap)
    {
        var point = form.Quoted(Theta);
        return [.. form.ParameterNames.Select((name, i) =>
            new ScalingLawReport.Parameter(name, point[i], bootstrap.StandardError(t => form.Quoted(t)[i]), bootstrap.Interval(t => form.Quoted(t)[i])))];
    }

    public (double Parameters, double Tokens, double Loss) Optimal(double[] theta, double budget) => Optimal(form, theta, budget);

    /// <summary>argmin over N of L(N, C/(6N)) by golden-section search in log N (Kiefer 1953); the laws here are unimodal along it.</summary>
    public static (double Parameters, double Tokens, double Loss) Optimal(IScalingForm form, double[] theta, double budget)
    {
        double total = Math.Log(budget / 6), low = Math.Log(1e3), high = total - Math.Log(1e3);
        double LogLoss(double logN) => form.LogLoss(theta, logN, total - logN, stackalloc double[theta.Length]);
        const double golden = 0.6180339887498949;
        double x1 = high - golden * (high - low), x2 = low + golden * (high - low), f1 = LogLoss(x1), f2 = LogLoss(x2);
        while (high - low > 1e-7)
        {
            if (f1 < f2) { high = x2; x2 = x1; f2 = f1; x1 = high - golden * (high - low); f1 = LogLoss(x1); }
            else { low = x1; x1 = x2; f1 = f2; x2 = low + golden * (high - low); f2 = LogLoss(x2); }
        }
        double n = Math.Exp((low + high) / 2);
        return (n, budget / (6 * n), Math.Exp(LogLoss(Math.Log(n))));
    }

    public ScalingLawReport.Optimum Recommend(double budget, BootstrapRefits bootstrap)
    {
        var (n, d, l) = Optimal(Theta, budget);
        return new ScalingLawReport.Optimum(budget, n, d, l,
            bootstrap.Interval(t => Optimal(t, budget).Parameters), bootstrap.Interval(t => Optimal(t, budget).Tokens), bootstrap.Interval(t => Optimal(t, budget).Loss));
    }
}
