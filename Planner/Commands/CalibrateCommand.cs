using System.CommandLine;
using ScalePlanner.Calibration;
using ScalePlanner.Calibration.Mpi;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan calibrate`: collectives first, in separate processes under mpirun (so they do not share the cores with LibTorch),
/// then the TorchSharp microruns and the fit in this process, then the held-out block check; writes the profile.
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
        var command = new Command("calibrate", "Measure this device (TorchSharp kernels, Open MPI collectives), fit the cost model's curves, write a device profile.") { device, quick, output };
        command.SetAction(parse =>
        {
            bool isQuick = parse.GetValue(quick);
            Calibration.Torch.TorchRuntime.Device(parse.GetValue(device)!); // refuse an unusable device before measuring anything
            var progress = (string line) => Console.Error.WriteLine(line);
            var collectives = MeasureCollectives(isQuick, progress);
            var (profile, record) = Calibrator.Run(new Calibrator.Options(isQuick, parse.GetValue(device)!, progress), collectives);
            string target = parse.GetValue(output)!;
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
        });
        return command;
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
