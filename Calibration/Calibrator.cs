using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Calibration.Fitting;
using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Calibration.Torch;
using ScalePlanner.Calibration.Validation;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;
using TorchSharp;

namespace ScalePlanner.Calibration;

/// <summary>
/// Measures this device with TorchSharp microruns (matmul sweeps and memory-bound kernels per precision), fits the curves the
/// cost model uses, builds a <see cref="DeviceProfile"/>, then checks it against whole GPT blocks it was not fitted to.
/// The collectives are measured beforehand in separate MPI processes and handed in.
/// </summary>
public static class Calibrator
{
    /// <param name="Ranks">Processes calibrating side by side on this machine (one of them is measured here).</param>
    /// <param name="Synchronise">Where those processes meet before each microrun; null for one process.</param>
    public sealed record Options(bool Quick, string Device, Action<string> Progress, int Ranks = 1, Action? Synchronise = null);

    /// <summary>
    /// Measured repetitions of every microrun, 7 quick and 11 full (5 and 9 before 2026-12-03): the lower quartile (R-8) of 7 lies
    /// between the 2nd and 3rd fastest repetitions, of 11 between the 3rd and 4th, so it holds while 4 of 7 (7 of 11) are preempted
    /// and never rests on the single fastest one. A choice by that count, not tuned to measurements.
    /// </summary>
    private static int Repetitions(bool quick) => quick ? 7 : 11;

    public static (DeviceProfile Profile, CalibrationRecord Record) Run(Options options, IReadOnlyList<CollectiveMeasurement> collectives)
    {
        using var monitor = new MachineMonitor(expectedOtherRanks: options.Ranks - 1);
        var device = TorchRuntime.Device(options.Device);
        var microrun = new Microrun(device, warmups: 2, repetitions: Repetitions(options.Quick), options.Synchronise);
        var precisions = new[] { Precision.Fp32, Precision.Bf16, Precision.Fp16 };

        // The first fitted stack before anything else, to compare with its time among the blocks at the end (CalibrationDrift).
        var reference = BlockTimings.FitSizes(options.Quick)[0];
        double openingSeconds;
        using (var opening = BlockTimings.ForwardBackward(reference, Precision.Fp32, device)) openingSeconds = microrun.Time(opening.Step).Median;

        var gemm = GemmSweep.Run(device, precisions, options.Quick, microrun, options.Progress);
        var memory = precisions.SelectMany(precision => MemorySweep.Run(device, precision, options.Quick, microrun, options.Progress)).ToList();
        // Fitted and held-out blocks in the same interleaved rounds: measured the same way, under the same conditions.
        var fitCases = BlockTimings.FitSizes(options.Quick).Select(size => BlockCase.Block(size)).ToList();
        var blocks = BlockMeasurements.Measure([.. fitCases, .. BlockMeasurements.HeldOut(BlockTimings.Sizes(options.Quick), bf16: true)], device, microrun);

        if (CalibrationDrift.Warning(reference.Name, openingSeconds, blocks[0].Time.Median) is { } drift) options.Progress(drift);

        var fits = new List<CurveFit>();
        var matmuls = KernelFits.Matmuls(gemm, fits);
        var kernels = KernelFits.MemoryKernels(memory, fits);
        var links = KernelFits.Collectives(collectives, fits);

        var info = DeviceInformation(options.Device);
        var baseline = AcceleratorCatalog.Get("cpu").DefaultProfile;
        var profile = baseline with
        {
            Name = $"calibrated {info.Device}: {info.Processor}",
            Source = $"scaleplan calibrate{(options.Quick ? " --quick" : "")} on {info.Processor}, {info.TorchThreads} threads{(options.Ranks > 1 ? $", one of {options.Ranks} ranks measuring side by side" : "")}, TorchSharp {info.TorchSharpVersion} / LibTorch {info.LibTorchVersion}",
            Date = info.Date,
            Gemm = matmuls.Curves,
            WeightGradientGemm = matmuls.WeightGradientCurves,
            PeakTflops = matmuls.Peaks,
            MemoryTBps = kernels.ReferenceBytesPerSecond / 1e12,
            MemoryByMegabyte = kernels.Curves.First(k => k.Kernel == MemoryKernel.Elementwise && k.Precision == Precision.Fp32).Curve,
            MemoryKernels = kernels.Curves,
            IntraNodeLink = links.Fitted.FirstOrDefault(l => l.Kind == nameof(CollectiveKind.AllReduce) && !l.InterNode)?.Spec,
            IntraNodeLinkEfficiency = 1,
            InterNodeLink = links.Fitted.FirstOrDefault(l => l.Kind == nameof(CollectiveKind.AllReduce) && l.InterNode)?.Spec,
            InterNodeLinkEfficiency = links.Fitted.Any(l => l.InterNode) ? 1 : baseline.InterNodeLinkEfficiency,
            SustainedClockFraction = 1,      // set from whole blocks below
            KernelOverheadSeconds = 0,       // the fitted fixed terms already hold each call's overhead
        };

        var fitBlocks = blocks.Take(fitCases.Count).Select(b => (b.Case.Size, b.Time)).ToList();
        var (sustained, sustainedFitError) = SustainedFractionFit.Fit([.. fitBlocks.Select(b => (b.Size, b.Time.Estimate))], profile);
        profile = profile with { SustainedClockFraction = sustained };
        var sustainedInterval = SustainedFractionFit.IntervalOf(fitBlocks, profile);
        options.Progress(sustained <= SustainedFractionFit.Lowest + 1e-9
            ? $"warning: whole blocks ran at under {SustainedFractionFit.Lowest} of the microruns' matmul rate, which no cache explains; the profile keeps {SustainedFractionFit.Lowest}. Calibrate on an idle machine."
            : $"whole blocks sustain {sustained:F3} of the microruns' matmul rate ({Bootstrap.Level:P0} interval {sustainedInterval.Low:F3}–{sustainedInterval.High:F3})");

        var validation = BlockMeasurements.Validate(profile, blocks.Skip(fitCases.Count), options.Progress);
        var heldOutBlocks = validation.Where(v => !v.Name.StartsWith("attention", StringComparison.Ordinal) && !v.Name.EndsWith("bf16", StringComparison.Ordinal)).ToList();
        fits.Add(new CurveFit("sustained fraction in whole blocks", "bisection", new Dictionary<string, double> { ["fraction"] = sustained }, sustainedFitError,
            RelativeLeastSquares.Mape(heldOutBlocks.Select(v => (v.PredictedSeconds, v.MeasuredSeconds))),
            $"fitted on {string.Join(", ", fitCases.Select(b => b.Name))}; held out: the validation blocks",
            new Dictionary<string, double[]> { ["fraction"] = [sustainedInterval.Low, sustainedInterval.High] }));

        var intervals = new ProfileIntervals(Bootstrap.Level, Bootstrap.Resamples, matmuls.PeakIntervals, sustainedInterval, kernels.ReferenceTBps,
            links.AllReduceGBps, links.AllReduceLatencySeconds);
        return (profile with { Validation = validation, Intervals = intervals, Machine = monitor.Stop() },
            new CalibrationRecord(info, gemm, memory, collectives, fits, options.Quick, [.. blocks.Select(b => new BlockTiming(b.Case.Name, b.Time))]));
    }

    private static DeviceInfo DeviceInformation(string device)
    {
        string processor = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
        return new DeviceInfo(device, processor, Environment.ProcessorCount, torch.get_num_threads(), TorchRuntime.TorchSharpVersion,
            TorchRuntime.LibTorchVersion, System.Runtime.InteropServices.RuntimeInformation.OSDescription, DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
    }
}
