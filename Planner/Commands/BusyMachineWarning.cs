using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Mpi;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `calibrate`, `execute` and `study` time this machine: the load is watched from <see cref="Start"/> to <see cref="Report"/>
/// (<see cref="MachineLoad"/>) and, when other work shared the cores, a warning says the timings are unreliable. A command that
/// stops on bad input before measuring says nothing; the ranks mpirun starts stay quiet, the process the user started speaks.
/// </summary>
public sealed class BusyMachineWarning
{
    private readonly MachineLoad.Counters? start = MachineLoad.Read();

    public static BusyMachineWarning Start() => new();

    public void Report(string command)
    {
        if (OpenMpi.UnderLauncher) return;
        if (MachineLoad.Since(start) is { Busy: true } load) Console.Error.WriteLine($"warning: {load.Warning(command)}");
    }
}
