using ScalePlanner.Mpi;
using ScalePlanner.Simulator.Profiles;

namespace ScalePlanner.Calibration.Collectives;

/// <summary>
/// The collective microruns, in processes of their own so they do not share the cores with LibTorch: this program is started
/// under mpirun on <see cref="Ranks"/> ranks with the hidden command <see cref="WorkerCommand"/>, each rank runs
/// <see cref="RunWorker"/>, rank 0 writes the measurements to a file (<see cref="CollectivesFile"/>) and the caller reads them.
/// </summary>
public static class CollectiveMicroruns
{
    /// <summary>Ranks the collectives are measured on.</summary>
    public const int Ranks = 2;

    /// <summary>The hidden command of this program that runs one rank of the microruns (`WorkerCommand --out FILE [--quick]`).</summary>
    public const string WorkerCommand = "calibrate-collectives";

    /// <summary>Starts the microruns under mpirun and returns what they measured; none, with a note, where Open MPI is missing.</summary>
    public static IReadOnlyList<CollectiveMeasurement> Measure(bool quick, Action<string> progress)
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
            progress($"collectives: all-reduce, all-gather, reduce-scatter, send/recv on {Ranks} ranks under mpirun");
            int exit = MpiLauncher.Run(Ranks, [WorkerCommand, "--out", file, .. quick ? new[] { "--quick" } : []]).ExitCode;
            if (exit != 0 || !File.Exists(file)) throw new MpiException($"the collective microruns under mpirun failed (exit code {exit})");
            var measurements = CollectivesFile.Read(file);
            progress($"collectives: {measurements.Count} measurements");
            return measurements;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>Message sizes inside one machine: 4 KiB to 256 MiB (64 MiB quick), small ones for the latency, large ones for the bandwidth.</summary>
    public static long[] Sizes(bool quick) => quick
        ? [4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20]
        : [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20];

    public const int Warmups = 2;

    public static int Repetitions(bool quick) => quick ? 5 : 10;

    /// <summary>One rank of the microruns, started by mpirun (<see cref="Sizes"/>); rank 0 writes <paramref name="output"/>.</summary>
    /// <param name="acrossMachines">Measure each link tier of a hostfile's machines (<see cref="LinkTierMicroruns"/>) instead.</param>
    public static void RunWorker(string output, bool quick, bool acrossMachines = false)
    {
        if (!OpenMpi.UnderLauncher) throw new MpiException($"{WorkerCommand} runs under mpirun; use `scaleplan calibrate`");
        using var mpi = new OpenMpi();
        if (acrossMachines)
        {
            LinkTierMicroruns.RunWorker(mpi, output, quick);
            return;
        }
        var measurements = CollectiveBenchmark.Run(mpi, Sizes(quick), Warmups, Repetitions(quick));
        if (mpi.Rank == 0) CollectivesFile.Write(output, measurements);
    }
}
