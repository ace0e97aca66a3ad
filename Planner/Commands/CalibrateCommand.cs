using System.CommandLine;
using ScalePlanner.Calibration;
using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Reports.Plots;
using ScalePlanner.Reports;
using ScalePlanner.Reports.Bundles;
using ScalePlanner.Simulator.Hardware;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `scaleplan calibrate`: measures this machine (<see cref="CalibrationRun"/>: Open MPI collectives, TorchSharp kernels, fits,
/// held-out blocks; `--ranks N` for one of N ranks sharing the machine) and writes the device profile, or a report folder.
/// </summary>
public static class CalibrateCommand
{
    public static Command Create()
    {
        var device = new Option<string>("--device") { Description = "cpu or cuda (cuda needs the -p:TorchBackend=cuda build).", DefaultValueFactory = _ => "cpu" };
        device.AcceptOnlyFromAmong("cpu", "cuda");
        var quick = new Option<bool>("--quick") { Description = "Fewer shapes, sizes and repetitions: under two minutes on two cores." };
        var output = new Option<string>("--out") { Description = "Profile JSON to write (a path ending in .json), or a folder for device-profile.json, report.html, the CSV files and the calibration plots.", DefaultValueFactory = _ => "device-profile.json" };
        var ranks = new Option<int>("--ranks") { Description = "Calibrate one of N ranks sharing this machine's cores (N processes measure side by side, cores/N threads each), as execute runs dp·tp·pp ranks.", DefaultValueFactory = _ => 1 };
        var hostfile = new Option<string?>("--hostfile") { Description = "Open MPI hostfile of two or more machines: the collectives measure the link inside a machine and the link across machines (two alpha-beta links in the profile)." };
        var collectivesFile = new Option<string?>(CalibrationRun.CollectivesOption) { Hidden = true };
        var check = new Option<string?>("--check") { Description = "Re-measure a few held-out block sizes (under 20 s) and say whether this profile JSON still describes this machine: exit code 0 if it does, 1 if not." };
        var command = new Command("calibrate", "Measure this device (TorchSharp kernels, Open MPI collectives), fit the cost model's curves, write a device profile.") { device, quick, output, ranks, hostfile, collectivesFile, check };
        command.SetAction(parse =>
        {
            if (parse.GetValue(check) is { } checkedProfile) return CalibrateCheck.Run(checkedProfile, parse.GetValue(device)!, parse.GetValue(ranks));
            string target = parse.GetValue(output)!;
            if (IsProfilePath(target)) OutputFolder.ValidateFile(target);
            else OutputFolder.Validate(target);
            var busy = BusyMachineWarning.Start();
            var request = new CalibrationRun.Request(parse.GetValue(quick), parse.GetValue(device)!, parse.GetValue(ranks), parse.GetValue(collectivesFile), parse.GetValue(hostfile));
            var outcome = CalibrationRun.Run(request, line => Console.Error.WriteLine(line));
            if (outcome is { Profile: { } profile, Record: { } record }) Write(target, profile, record);
            if (outcome.Profile?.Machine is { } machine) Console.Error.WriteLine(machine.Summary());
            if (outcome.Error is { } error) Console.Error.WriteLine($"error: {error}");
            return outcome.ExitCode;
        });
        return command;
    }

    /// <summary>Hidden: one rank of `calibrate`'s collective microruns, started by mpirun; rank 0 writes the measurements.</summary>
    public static Command CollectivesWorker()
    {
        var output = new Option<string>("--out") { Required = true };
        var quick = new Option<bool>("--quick");
        var acrossMachines = new Option<bool>(LinkTierMicroruns.Flag);
        var command = new Command(CollectiveMicroruns.WorkerCommand, "(internal) collective microruns of one MPI rank") { output, quick, acrossMachines };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            CollectiveMicroruns.RunWorker(parse.GetValue(output)!, parse.GetValue(quick), parse.GetValue(acrossMachines));
            return 0;
        });
        return command;
    }

    private static bool IsProfilePath(string target) => target.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Prints the fits and writes the profile (a .json path) or the whole calibration folder.</summary>
    private static void Write(string target, DeviceProfile profile, CalibrationRecord record)
    {
        CalibrationTable.Write(profile, record);
        if (ClusterLinks.Describe(profile) is { } links) Console.Error.WriteLine(links);
        if (IsProfilePath(target))
        {
            Console.WriteLine($"wrote {ProfileFile.Write(target, profile, record)}");
            return;
        }
        var context = ReportContext.ForDevice(null, [AcceleratorCatalog.Get("cpu")], profile, usedTorch: true);
        var written = CalibrationBundle.Build(profile, record, CalibrationCurves.Groups, CalibrationCurves.Build(profile, record), context).Write(target, DateTime.UtcNow);
        CommonOptions.PrintWritten(written);
        Console.WriteLine($"wrote {written.Single(w => Path.GetFileName(w) == CalibrationBundle.ProfileFileName)}");
    }
}
