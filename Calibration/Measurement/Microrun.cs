using System.Diagnostics;
using ScalePlanner.Simulator.Profiles;
using TorchSharp;

namespace ScalePlanner.Calibration.Measurement;

/// <summary>
/// Times actions on one device: warm-up runs first (discarded), then measured repetitions, each bracketed by a device
/// synchronisation on CUDA (kernels are asynchronous there) and run inside a dispose scope so no tensor outlives it; every
/// repetition is kept (<see cref="Statistics"/>). <see cref="Time"/> measures one kernel: short ones are repeated until they have
/// filled a minimum measuring time, long ones stop early so a sweep keeps to its budget. <see cref="TimeInRounds"/> measures
/// whole blocks: each round runs every action once, in turn, so each finds the cache as the previous one left it (as a layer
/// finds it after the layer before it in a model step), a burst of other work lands on every action alike, and fitted and
/// held-out blocks get the same repetitions. <paramref name="synchronise"/> runs before each timed action: side-by-side
/// processes calibrating together meet there, so they contend while measuring.
/// </summary>
public sealed class Microrun(torch.Device device, int warmups, int repetitions, Action? synchronise = null)
{
    /// <summary>A repetition longer than this counts for several: the sweep stops at three measured runs for it.</summary>
    private const double LongRunSeconds = 0.25;
    /// <summary>Short kernels are repeated until they have been measured for this long in all (at most <see cref="MaxRepetitions"/> times).</summary>
    private const double MinimumMeasuredSeconds = 0.05;
    private const int MaxRepetitions = 100;

    public int Repetitions => repetitions;

    public TimingStats Time(Action action)
    {
        synchronise?.Invoke();
        for (int i = 0; i < warmups; i++) Once(action);
        var times = new List<double>(repetitions);
        double total = 0;
        while (times.Count < MaxRepetitions && (times.Count < repetitions || total < MinimumMeasuredSeconds))
        {
            times.Add(Once(action));
            total += times[^1];
            if (times.Count >= 3 && times[^1] > LongRunSeconds) break;
        }
        return Statistics.Summarise(times);
    }

    /// <summary>Warm-up rounds, then <c>repetitions</c> measured rounds of every action in turn; one summary per action.</summary>
    public IReadOnlyList<TimingStats> TimeInRounds(IReadOnlyList<Action> actions)
    {
        var times = actions.Select(_ => new List<double>(repetitions)).ToList();
        for (int round = -warmups; round < repetitions; round++)
        {
            for (int i = 0; i < actions.Count; i++)
            {
                synchronise?.Invoke();
                double seconds = Once(actions[i]);
                if (round >= 0) times[i].Add(seconds);
            }
        }
        return [.. times.Select(Statistics.Summarise)];
    }

    private double Once(Action action)
    {
        Synchronise();
        var clock = Stopwatch.StartNew();
        using (torch.NewDisposeScope())
        {
            action();
            Synchronise();
        }
        return clock.Elapsed.TotalSeconds;
    }

    private void Synchronise()
    {
        if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
    }
}
