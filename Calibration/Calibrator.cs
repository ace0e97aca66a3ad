using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Calibration.Fitting;
using ScalePlanner.Calibration.Kernels;
using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Calibration.Torch;
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

    public static (DeviceProfile Profile, CalibrationRecord Record) Run(Options options, IReadOnlyList<CollectiveMeasurement> collectives)
    {
        var device = TorchRuntime.Device(options.Device);
        var microrun = new Microrun(device, warmups: 2, repetitions: options.Quick ? 5 : 9, options.Synchronise);
        var precisions = new[] { Precision.Fp32, Precision.Bf16, Precision.Fp16 };

        var gemm = GemmSweep.Run(device, precisions, options.Quick, microrun, options.Progress);
        var memory = precisions.SelectMany(precision => MemorySweep.Run(device, precision, options.Quick, microrun, options.Progress)).ToList();

        var fits = new List<CurveFit>();
        var peaks = new List<PeakOverride>();
        var curves = new List<GemmCurve>();
        var weightGradientCurves = new List<GemmCurve>();
        foreach (var group in gemm.GroupBy(g => g.Precision))
        {
            var fit = GemmFit.Fit($"matmul {group.Key.Key()}", [.. group.Where(g => !g.WeightGradient)]);
            peaks.Add(new PeakOverride(group.Key, fit.PeakFlops / 1e12));
            curves.Add(new GemmCurve(group.Key, fit.Curve));
            fits.Add(fit.Summary);
            // The weight-gradient curve is fitted alone, then expressed against the forward products' peak that both share
            // (capped at that peak: an efficiency is at most 1).
            var weightGradient = GemmFit.Fit($"matmul {group.Key.Key()} weight gradient", [.. group.Where(g => g.WeightGradient)]);
            weightGradientCurves.Add(new GemmCurve(group.Key, weightGradient.Curve.Scaled(Math.Min(1, weightGradient.PeakFlops / fit.PeakFlops))));
            fits.Add(weightGradient.Summary);
        }

        var (reference, kernelCurves) = MemoryCurves(memory, fits);

        var links = AlphaBeta.Fit(collectives);
        fits.AddRange(links.Select(l => new CurveFit(l.Name, "alpha-beta",
            new Dictionary<string, double> { ["alphaMicroseconds"] = l.Spec.LatencySeconds * 1e6, ["GBps"] = l.Spec.GBps }, l.Fit.FitMapePercent, l.Fit.HeldOutMapePercent)));

        var info = DeviceInformation(options.Device);
        var baseline = AcceleratorCatalog.Get("cpu").DefaultProfile;
        var profile = baseline with
        {
            Name = $"calibrated {info.Device}: {info.Processor}",
            Source = $"scaleplan calibrate{(options.Quick ? " --quick" : "")} on {info.Processor}, {info.TorchThreads} threads{(options.Ranks > 1 ? $", one of {options.Ranks} ranks measuring side by side" : "")}, TorchSharp {info.TorchSharpVersion} / LibTorch {info.LibTorchVersion}",
            Date = info.Date,
            Gemm = curves,
            WeightGradientGemm = weightGradientCurves,
            PeakTflops = peaks,
            MemoryTBps = reference / 1e12,
            MemoryByMegabyte = kernelCurves.First(k => k.Kernel == MemoryKernel.Elementwise && k.Precision == Precision.Fp32).Curve,
            MemoryKernels = kernelCurves,
            IntraNodeLink = links.FirstOrDefault(l => l.Kind == nameof(CollectiveKind.AllReduce) && !l.InterNode)?.Spec,
            IntraNodeLinkEfficiency = 1,
            InterNodeLink = links.FirstOrDefault(l => l.Kind == nameof(CollectiveKind.AllReduce) && l.InterNode)?.Spec,
            InterNodeLinkEfficiency = links.Any(l => l.InterNode) ? 1 : baseline.InterNodeLinkEfficiency,
            SustainedClockFraction = 1,      // set from whole blocks below
            KernelOverheadSeconds = 0,       // the fitted fixed terms already hold each call's overhead
        };

        var fitBlocks = BlockTimings.FitSizes(options.Quick).Select(size => (size, BlockTimings.ForwardBackward(size, Precision.Fp32, device, microrun).Median)).ToList();
        var (sustained, sustainedFitError) = SustainedFractionFit.Fit(fitBlocks, profile);
        profile = profile with { SustainedClockFraction = sustained };
        options.Progress(sustained <= SustainedFractionFit.Lowest + 1e-9
            ? $"warning: whole blocks ran at under {SustainedFractionFit.Lowest} of the microruns' matmul rate, which no cache explains; the profile keeps {SustainedFractionFit.Lowest}. Calibrate on an idle machine."
            : $"whole blocks sustain {sustained:F3} of the microruns' matmul rate");

        var validation = HeldOut(options, profile, device, microrun);
        var blockNames = BlockTimings.Sizes(options.Quick).Select(size => size.Name).ToHashSet();
        var heldOutBlocks = validation.Where(v => blockNames.Contains(v.Name)).ToList();
        fits.Add(new CurveFit("sustained fraction in whole blocks", "bisection", new Dictionary<string, double> { ["fraction"] = sustained }, sustainedFitError,
            RelativeLeastSquares.Mape(heldOutBlocks.Select(v => (v.PredictedSeconds, v.MeasuredSeconds))),
            $"fitted on {string.Join(", ", fitBlocks.Select(b => b.size.Name))}; held out: the validation blocks"));

        return (profile with { Validation = validation }, new CalibrationRecord(info, gemm, memory, collectives, fits, options.Quick));
    }

    /// <summary>One bandwidth curve per kernel class and precision, all against the fastest fp32 rate measured (efficiency 1).</summary>
    private static (double Reference, List<MemoryKernelCurve> Curves) MemoryCurves(IReadOnlyList<MemoryMeasurement> memory, List<CurveFit> fits)
    {
        double reference = BandwidthFit.Reference(memory.Where(m => m.Precision == Precision.Fp32));
        var curves = new List<MemoryKernelCurve>();
        foreach (var group in memory.GroupBy(m => (m.Kernel, m.Precision)))
        {
            var fit = BandwidthFit.Fit($"memory {group.Key.Kernel.ToString().ToLowerInvariant()} {group.Key.Precision.Key()}", [.. group], reference);
            curves.Add(new MemoryKernelCurve(group.Key.Kernel, fit.Curve, group.Key.Precision));
            fits.Add(fit.Summary);
        }
        return (reference, curves);
    }

    /// <summary>
    /// The checks the profile was not fitted to: each validation size's attention core and whole block in fp32, and the whole
    /// block in bf16, whose memory-bound kernels are priced from the bf16 curves.
    /// </summary>
    private static List<ValidationPoint> HeldOut(Options options, DeviceProfile profile, TorchSharp.torch.Device device, Microrun microrun)
    {
        var validation = new List<ValidationPoint>();
        foreach (var size in BlockTimings.Sizes(options.Quick))
        {
            Check($"attention {size.Name[6..]}", BlockPrediction.AttentionSeconds(size, profile), BlockTimings.Attention(size, Precision.Fp32, device, microrun));
            Check(size.Name, BlockPrediction.ForwardBackwardSeconds(size, profile), BlockTimings.ForwardBackward(size, Precision.Fp32, device, microrun));
            Check($"{size.Name} bf16", BlockPrediction.ForwardBackwardSeconds(size, profile, Precision.Bf16), BlockTimings.ForwardBackward(size, Precision.Bf16, device, microrun));
        }
        return validation;

        void Check(string name, double predicted, TimingStats measured)
        {
            options.Progress($"{name}: predicted {predicted * 1e3:F1} ms, measured {measured.Median * 1e3:F1} ms");
            validation.Add(new ValidationPoint(name, predicted, measured.Median));
        }
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
