using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Calibration.Torch;
using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Profiles;
using ScalePlanner.Simulator.Specs;
using TorchSharp;

namespace ScalePlanner.Calibration;

/// <summary>
/// `calibrate`'s whole run: the collectives first, in separate processes under mpirun (<see cref="CollectiveMicroruns"/>), then
/// the TorchSharp microruns, the fits and the held-out block check in this process (<see cref="Calibrator"/>). With Ranks = N > 1
/// the microruns describe one of N ranks sharing this machine, as `execute` runs dp·tp·pp ranks: N copies of this program under
/// mpirun, each with cores/N LibTorch threads, run them side by side and meet before each one, so they contend for the shared
/// cache and memory bandwidth while measuring; rank 0's measurements make the profile.
/// </summary>
public static class CalibrationRun
{
    /// <summary>The hidden option by which the side-by-side ranks receive the collectives measured once before them.</summary>
    public const string CollectivesOption = "--collectives";

    /// <param name="CollectivesFile">Collectives measured already (the side-by-side ranks get them from their launcher); null: measure them.</param>
    /// <param name="Hostfile">Machines whose two link tiers (inside a machine, across machines) the collectives measure; null: this machine only.</param>
    public sealed record Request(bool Quick, string Device, int Ranks = 1, string? CollectivesFile = null, string? Hostfile = null);

    /// <summary>How a run ended: its exit code and failure (without "error: "), and the profile where this process measured it (rank 0).</summary>
    public sealed record Outcome(int ExitCode, DeviceProfile? Profile = null, CalibrationRecord? Record = null, string? Error = null);

    public static Outcome Run(Request request, Action<string> progress)
    {
        TorchRuntime.Device(request.Device);   // refuse an unusable device before measuring anything
        if (request.Ranks < 1) throw new SpecException("--ranks", $"must be at least 1, got {request.Ranks}");
        if (request.Ranks > 1 && request.Device != "cpu") throw new SpecException("--ranks", "side-by-side ranks are calibrated on the CPU only; allowed with --device cuda: 1");
        if (request.Ranks > 1 && !OpenMpi.UnderLauncher) return SideBySide(request, progress);
        var collectives = request.CollectivesFile is { } file ? CollectivesFile.Read(file) : Collectives(request, progress);
        var options = new Calibrator.Options(request.Quick, request.Device, progress);
        if (request.Ranks == 1) return Measured(Calibrator.Run(options, collectives));
        using var mpi = new OpenMpi();
        if (mpi.Size != request.Ranks) throw new MpiException($"--ranks {request.Ranks} needs {request.Ranks} ranks but mpirun started {mpi.Size}");
        torch.set_num_threads(Math.Max(1, Environment.ProcessorCount / request.Ranks));
        Outcome? measured = null;
        int exit = RankExit.Run(mpi, () =>
        {
            var result = Calibrator.Run(options with { Progress = mpi.Rank == 0 ? progress : _ => { }, Ranks = request.Ranks, Synchronise = () => mpi.Barrier(mpi.World) }, collectives);
            measured = mpi.Rank == 0 ? Measured(result) : new Outcome(0);
            return 0;
        }, badInput: ex => ex is SpecException);
        return measured is not null && exit == 0 ? measured : new Outcome(exit);
    }

    /// <summary>The collectives on this machine, or on both link tiers of the hostfile's machines.</summary>
    private static IReadOnlyList<CollectiveMeasurement> Collectives(Request request, Action<string> progress)
    {
        if (request.Hostfile is not { } path) return CollectiveMicroruns.Measure(request.Quick, progress);
        try
        {
            return LinkTierMicroruns.Measure(Hostfile.Read(path), request.Quick, progress);
        }
        catch (HostfileException ex)
        {
            throw new SpecException("--hostfile", ex.Message);
        }
    }

    private static Outcome Measured((DeviceProfile Profile, CalibrationRecord Record) result) => new(0, result.Profile, result.Record);

    /// <summary>Measures the collectives once, then starts Ranks copies of this command under mpirun with their file; they write the profile.</summary>
    private static Outcome SideBySide(Request request, Action<string> progress)
    {
        var folder = Directory.CreateTempSubdirectory("scaleplan-side-by-side-");
        try
        {
            string file = Path.Combine(folder.FullName, "collectives.json");
            CollectivesFile.Write(file, Collectives(request, progress));
            progress($"kernels: {request.Ranks} ranks measuring side by side under mpirun, {Math.Max(1, Environment.ProcessorCount / request.Ranks)} LibTorch threads each");
            var outcome = MpiLauncher.RunSelf(request.Ranks, extra: [CollectivesOption, file]);
            return outcome.ExitCode == 0 ? new Outcome(0)
                : new Outcome(outcome.ExitCode, Error: $"the side-by-side calibration failed: {outcome.FailedRank ?? $"mpirun exited with code {outcome.ExitCode}"}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
