using System.CommandLine;
using ScalePlanner.Calibration;
using ScalePlanner.Mpi;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan calibrate`: collectives first, in separate processes under mpirun (so they do not share the cores with LibTorch),
/// then the TorchSharp microruns and the fit in this process, then the held-out block check; writes the profile. With
/// `--ranks N` the microruns describe one of N ranks sharing this machine, as `execute` runs dp·tp·pp ranks: N processes under
/// mpirun, each with cores/N LibTorch threads, run them side by side and meet before each one, so they contend for the shared
/// cache and memory bandwidth while measuring; rank 0's measurements make the profile.
/// </summary>
public static class CalibrateCommand
{
    public const int CollectiveRanks = 2;

    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda (cuda needs the -p:TorchBackend=cuda build).", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var quick = new Option<bool>("--quick") { Description = "Fewer shapes, sizes and repetitions: under two minutes on two cores." };
        var output = new Option<string>("--out") { Description = "Profile JSON to write (a path ending in .json), or a folder for device-profile.json, report.html, the CSV files and the calibration plots.", DefaultValueFactory = _ => "device-profile.json" };
        var ranks = new Option<int>("--ranks") { Description = "Calibrate one of N ranks sharing this machine's cores (N processes measure side by side, cores/N threads each), as execute runs dp·tp·pp ranks.", DefaultValueFactory = _ => 1 };
        var collectivesFile = new Option<string?>("--collectives") { Hidden = true };
        var command = new Command("calibrate", "Measure this device (TorchSharp kernels, Open MPI collectives), fit the cost model's curves, write a device profile.") { device, quick, output, ranks, collectivesFile };
        command.SetAction(parse =>
        {
            bool isQuick = parse.GetValue(quick);
            Calibration.Torch.TorchRuntime.Device(parse.GetValue(device)!); // refuse an unusable device before measuring anything
            int side = parse.GetValue(ranks);
            if (side < 1) throw new Simulator.Specs.SpecException("--ranks", $"must be at least 1, got {side}");
            if (side > 1 && parse.GetValue(device) != "cpu") throw new Simulator.Specs.SpecException("--ranks", "side-by-side ranks are calibrated on the CPU only; allowed with --device cuda: 1");
            var progress = (string line) => Console.Error.WriteLine(line);
            if (side > 1 && !OpenMpi.UnderLauncher) return SideBySide(side, isQuick, progress);
            var collectives = parse.GetValue(collectivesFile) is { } file ? ProfileFile.ReadCollectives(file) : MeasureCollectives(isQuick, progress);
            var options = new Calibrator.Options(isQuick, parse.GetValue(device)!, progress);
            if (side == 1) return Write(parse.GetValue(output)!, Calibrator.Run(options, collectives));
            using var mpi = new OpenMpi();
            if (mpi.Size != side) throw new MpiException($"--ranks {side} needs {side} ranks but mpirun started {mpi.Size}");
            TorchSharp.torch.set_num_threads(Math.Max(1, Environment.ProcessorCount / side));
            return RankExit.Run(mpi, () =>
            {
                var measured = Calibrator.Run(options with { Progress = mpi.Rank == 0 ? progress : _ => { }, Ranks = side, Synchronise = () => mpi.Barrier(mpi.World) }, collectives);
                return mpi.Rank == 0 ? Write(parse.GetValue(output)!, measured) : 0;
            });
        });
        return command;
    }

    /// <summary>Prints the fits and writes the profile (a .json path) or the whole calibration folder; returns the exit code.</summary>
    private static int Write(string target, (DeviceProfile Profile, CalibrationRecord Record) measured)
    {
        var (profile, record) = measured;
        CalibrationTable.Write(profile, record);
        if (target.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            Console.WriteLine($"wrote {ProfileFile.Write(target, profile, record)}");
            return 0;
        }
        var context = ReportContext.ForDevice(null, [Simulator.Hardware.AcceleratorCatalog.Get("cpu")], profile, usedTorch: true);
        var written = CalibrationBundle.Build(profile, record, CalibrationCurves.Groups, CalibrationCurves.Build(profile, record), context).Write(target, DateTime.UtcNow);
        CommonOptions.PrintWritten(written);
        Console.WriteLine($"wrote {written.Single(w => Path.GetFileName(w) == CalibrationBundle.ProfileFileName)}");
        return 0;
    }

    /// <summary>Measures the collectives once, then starts `ranks` copies of this command under mpirun with their file; returns mpirun's exit code.</summary>
    private static int SideBySide(int ranks, bool quick, Action<string> progress)
    {
        var folder = Directory.CreateTempSubdirectory("scaleplan-side-by-side-");
        try
        {
            string file = Path.Combine(folder.FullName, "collectives.json");
            ProfileFile.WriteCollectives(file, MeasureCollectives(quick, progress));
            progress($"kernels: {ranks} ranks measuring side by side under mpirun, {Math.Max(1, Environment.ProcessorCount / ranks)} LibTorch threads each");
            var outcome = MpiLauncher.RunSelf(ranks, extra: ["--collectives", file]);
            if (outcome.ExitCode != 0) Console.Error.WriteLine($"error: the side-by-side calibration failed: {outcome.FailedRank ?? $"mpirun exited with code {outcome.ExitCode}"}");
            return outcome.ExitCode;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static IReadOnlyList<CollectiveMeasurement> MeasureCollectives(bool quick, Action<string> progress)
    {
        if (!MpiLauncher.Available)
        {
            progress("collectives: skipped, Open MPI (mpirun) is not installed; run tools/install-prerequisites.sh. The profile keeps the catalog's link figures.");
            return [];
        }
        var folder = Directory.CreateTempSubdirectory("scaleplan-collectives-");
        try
        {
            string file = Path.Combine(folder.FullName, "collectives.json");
            progress($"collectives: all-reduce, all-gather, reduce-scatter, send/recv on {CollectiveRanks} ranks under mpirun");
            int exit = MpiLauncher.Run(CollectiveRanks, ["calibrate-collectives", "--out", file, .. quick ? new[] { "--quick" } : []]).ExitCode;
            if (exit != 0 || !File.Exists(file)) throw new MpiException($"the collective microruns under mpirun failed (exit code {exit})");
            var measurements = ProfileFile.ReadCollectives(file);
            progress($"collectives: {measurements.Count} measurements");
            return measurements;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
