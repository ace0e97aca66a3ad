using ScalePlanner.Executor.Measurements;

namespace ScalePlanner.Planner.ScalingLaws;

/// <summary>
/// Runs as the fit sees them: log N, log D and log L (taken once, not at every evaluation of the objective) and a weight per
/// run, the number of times a bootstrap resample holds it (1 for the data themselves).
/// </summary>
public sealed class LogRuns
{
    private LogRuns(double[] logN, double[] logD, double[] logL, double[] weight)
    {
        LogN = logN;
        LogD = logD;
        LogL = logL;
        Weight = weight;
    }

    public double[] LogN { get; }
    public double[] LogD { get; }
    public double[] LogL { get; }
    public double[] Weight { get; }
    public int Count => LogN.Length;

    /// <summary>Σ weights: the number of runs, or of draws in a resample.</summary>
    public double TotalWeight => totalWeight ??= Weight.Sum();

    private double? totalWeight;

    public static LogRuns Of(IReadOnlyList<ScalingRun> runs)
    {
        int n = runs.Count;
        double[] logN = new double[n], logD = new double[n], logL = new double[n], weight = new double[n];
        for (int i = 0; i < n; i++)
        {
            logN[i] = Math.Log(runs[i].Parameters);
            logD[i] = Math.Log(runs[i].Tokens);
            logL[i] = Math.Log(runs[i].Loss);
            weight[i] = 1;
        }
        return new LogRuns(logN, logD, logL, weight);
    }

    /// <summary>The runs at <paramref name="rows"/> (in that order), each with weight 1.</summary>
    public LogRuns Rows(IReadOnlyList<int> rows)
    {
        double[] logN = new double[rows.Count], logD = new double[rows.Count], logL = new double[rows.Count], weight = new double[rows.Count];
        for (int i = 0; i < rows.Count; i++)
        {
            logN[i] = LogN[rows[i]];
            logD[i] = LogD[rows[i]];
            logL[i] = LogL[rows[i]];
            weight[i] = 1;
        }
        return new LogRuns(logN, logD, logL, weight);
    }

    /// <summary>Every ⌈Count/size⌉-th run: an even, deterministic spread over the file for a fit's starting points.</summary>
    public LogRuns Strided(int size)
    {
        if (Count <= size) return this;
        int stride = (Count + size - 1) / size;
        return Rows([.. Enumerable.Range(0, (Count + stride - 1) / stride).Select(i => i * stride)]);
    }

    /// <summary>The same runs weighted by <paramref name="counts"/> (how often a resample drew each).</summary>
    public LogRuns Weighted(double[] counts) => new(LogN, LogD, LogL, counts);
}
