using MathNet.Numerics.Statistics;

namespace ScalePlanner.Executor.Training;

/// <summary>
/// Loss-spike detection by the robust (modified) z-score of Iglewicz &amp; Hoaglin (1993): z = 0.6745 · (x − median) / MAD over
/// the last <see cref="Window"/> accepted losses, MAD the median absolute deviation; 0.6745 makes MAD estimate σ for normal
/// noise. Only upward spikes count, and nothing is judged before <see cref="MinimumHistory"/> losses are in the window.
/// </summary>
public sealed class SpikeDetector(int window = 50, double threshold = 6)
{
    /// <summary>Φ⁻¹(0.75): MAD / 0.6745 estimates σ of normal data (Iglewicz &amp; Hoaglin 1993, eq. 2.3).</summary>
    private const double NormalConsistency = 0.6745;

    /// <summary>Fewest losses a median and MAD are taken from.</summary>
    public const int MinimumHistory = 10;

    private readonly Queue<double> history = new();

    public int Window { get; } = window >= MinimumHistory ? window : throw new ArgumentOutOfRangeException(nameof(window), $"the spike window must hold at least {MinimumHistory} losses");

    /// <summary>Robust z-score above which a loss is a spike. Iglewicz &amp; Hoaglin flag outliers at 3.5; training losses are
    /// heavier-tailed than normal noise (batch to batch), so the default 6 fires only on jumps far outside that noise.</summary>
    public double Threshold { get; } = threshold > 0 ? threshold : throw new ArgumentOutOfRangeException(nameof(threshold), "the spike threshold must be positive");

    public IReadOnlyCollection<double> History => history;

    /// <summary>The loss's robust z-score against the window (0 while the window is too short or has no spread).</summary>
    public double Score(double loss)
    {
        if (history.Count < MinimumHistory) return 0;
        double median = history.Median();
        double mad = history.Select(x => Math.Abs(x - median)).Median();
        return mad > 0 ? NormalConsistency * (loss - median) / mad : 0;
    }

    public bool IsSpike(double loss) => Score(loss) > Threshold;

    /// <summary>Adds a loss the run accepted (a skipped spike is not added, so it cannot widen the window's spread).</summary>
    public void Accept(double loss)
    {
        history.Enqueue(loss);
        if (history.Count > Window) history.Dequeue();
    }

    /// <summary>Replaces the window with one taken from a checkpoint.</summary>
    public void Restore(IEnumerable<double> losses)
    {
        history.Clear();
        foreach (double loss in losses) Accept(loss);
    }
}
