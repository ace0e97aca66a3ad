using System.Diagnostics;
using ScalePlanner.Simulator.Profiles;
using TorchSharp;

namespace ScalePlanner.Calibration.Measurement;

/// <summary>
/// Times one action on one device: warm-up runs first (discarded), then measured repetitions, each bracketed by a device
/// synchronisation on CUDA (kernels are asynchronous there) and run inside a dispose scope so no tensor outlives it.
/// Long actions get fewer repetitions so a sweep keeps to its time budget.
/// </summary>
public sealed class Microrun(torch.Device device, int warmups, int repetitions)
{
    /// <summary>A repetition longer than this counts for several: the sweep stops at three measured runs for it.</summary>
    private const double LongRunSeconds = 0.25;

    public TimingStats Time(Action action)
    {
        for (int i = 0; i < warmups; i++) Once(action);
        var times = new List<double>(repetitions);
        while (times.Count < repetitions)
        {
            times.Add(Once(action));
            if (times.Count >= 3 && times[^1] > LongRunSeconds) break;
        }
        return Statistics.Summarise(times);
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
