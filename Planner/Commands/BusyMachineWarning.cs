using ScalePlanner.Calibration.Measurement;
using ScalePlanner.Mpi;

namespace ScalePlanner.Planner.Commands;

/// <summary>
/// `calibrate`, `execute` and `study` time this machine: around each, the load is watched (<see cref="MachineLoad"/>) and, when
/// other work shared the cores, a warning says the timings are unreliable. Only the process the user started speaks; the
/// ranks mpirun starts stay quiet.
/// </summary>
public sealed class BusyMachineWarning(string command) : IDisposable
{
    private readonly MachineLoad.Counters? start = MachineLoad.Read();

    public void Dispose()
    {
        if (OpenMpi.UnderLauncher) return;
        if (MachineLoad.Since(start) is { Busy: true } load) Console.Error.WriteLine($"warning: {load.Warning(command)}");
    }
}
