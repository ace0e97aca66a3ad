using System.CommandLine;
using ScalePlanner.Calibration.Collectives;
using ScalePlanner.Mpi;
using ScalePlanner.Reports;

namespace ScalePlanner.Planner.Commands;

/// <summary>Hidden: one rank of `calibrate`'s collective microruns, started by mpirun; rank 0 writes the measurements.</summary>
public static class CollectiveWorkerCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Required = true };
        var quick = new Option<bool>("--quick");
        var command = new Command("calibrate-collectives", "(internal) collective microruns of one MPI rank") { output, quick };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            if (!OpenMpi.UnderLauncher) throw new MpiException("calibrate-collectives runs under mpirun; use `scaleplan calibrate`");
            using var mpi = new OpenMpi();
            bool isQuick = parse.GetValue(quick);
            long[] sizes = isQuick
                ? [4 << 10, 64 << 10, 1 << 20, 16 << 20, 64 << 20]
                : [4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20];
            var measurements = CollectiveBenchmark.Run(mpi, sizes, warmups: 2, repetitions: isQuick ? 5 : 10);
            if (mpi.Rank == 0) ProfileFile.WriteCollectives(parse.GetValue(output)!, measurements);
            return 0;
        });
        return command;
    }
}
