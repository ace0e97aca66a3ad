using System.Diagnostics;
using MathNet.Numerics.Statistics;

namespace ScalePlanner.Planner.Bench;

/// <summary>Wall time of repeated runs of one piece of work, in seconds: the median and the fastest, after warm-up.</summary>
public sealed record Timing(double MedianSeconds, double MinSeconds)
{
    /// <summary>
    /// Warm-up until the JIT has had time to tier the hot methods up (at least three runs and half a second), then
    /// <paramref name="runs"/> timed runs.
    /// </summary>
    public static Timing Of(int runs, Action action)
    {
        var warmUp = Stopwatch.StartNew();
        for (int i = 0; i < 3 || warmUp.Elapsed.TotalSeconds < 0.5; i++) action();
        var seconds = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            seconds[i] = clock.Elapsed.TotalSeconds;
        }
        return new Timing(seconds.Median(), seconds.Min());
    }
}
