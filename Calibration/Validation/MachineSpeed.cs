using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;
using static TorchSharp.torch;

namespace ScalePlanner.Calibration.Validation;

/// <summary>
/// How fast this machine runs now against when its profile was calibrated: the first block stack calibration timed to fit the
/// sustained fraction (<see cref="BlockTimings.FitSizes"/>), timed again with the calibration's thread count, median against
/// median. A shared or virtual machine changes speed between calibration and a run; <see cref="Slowdown"/> says by how much,
/// so a step-time error can be read apart from that drift. The prediction itself is never rescaled.
/// </summary>
public sealed record MachineSpeed(string Reference, int Threads, double CalibratedSeconds, double NowSeconds)
{
    /// <summary>Now over then: 1.2 is a machine running the same work 20 % slower than when it was calibrated.</summary>
    public double Slowdown => NowSeconds / CalibratedSeconds;

    /// <summary>Measured repetitions of the reference (warm-up excluded; three when each takes over 0.25 s, <see cref="Microrun"/>).</summary>
    private const int Repetitions = 5;

    /// <summary>Times the record's reference stack on the CPU now; null when the record is not a CPU calibration or holds no fitted block stack.</summary>
    public static MachineSpeed? Measure(CalibrationRecord record)
    {
        if (record.Device.Device != "cpu" || record.Blocks is not { } blocks) return null;
        var reference = BlockTimings.FitSizes(quick: false).Select(size => (size, timing: blocks.FirstOrDefault(b => b.Name == size.Name)))
            .FirstOrDefault(pair => pair.timing is not null);
        if (reference.timing is null) return null;
        int threads = get_num_threads();
        set_num_threads(Math.Max(1, record.Device.TorchThreads));
        try
        {
            using var run = BlockTimings.ForwardBackward(reference.size, Precision.Fp32, CPU);
            var now = new Microrun(CPU, warmups: 1, Repetitions).Time(run.Step);
            return new MachineSpeed(reference.size.Name, record.Device.TorchThreads, reference.timing.Time.Median, now.Median);
        }
        finally
        {
            set_num_threads(threads);
        }
    }
}
