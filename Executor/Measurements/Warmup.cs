using MathNet.Numerics.Statistics;

namespace ScalePlanner.Executor.Measurements;

/// <summary>
/// Which steps of a run count as measured: the first <see cref="Steps"/> are warm-up (JIT, allocator, caches) and left out,
/// as nanoGPT's timing ignores its first iterations; a figure of the run is the median over the rest.
/// </summary>
public static class Warmup
{
    /// <summary>Steps before this one are warm-up and left out of the measured figures.</summary>
    public const int Steps = 2;

    /// <summary>The steps after warm-up (at least the last one).</summary>
    public static IReadOnlyList<T> Measured<T>(IReadOnlyList<T> steps) => [.. steps.Skip(Math.Min(Steps, steps.Count - 1))];

    /// <summary>Median of one figure over the steps after warm-up (MathNet.Numerics' median: the mean of the two middle values for an even count).</summary>
    public static double Median<T>(IReadOnlyList<T> steps, Func<T, double> figure) => Measured(steps).Select(figure).Median();
}
