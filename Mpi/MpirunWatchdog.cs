using System.Diagnostics;

namespace ScalePlanner.Mpi;

/// <summary>
/// Waits for mpirun, and ends it when it has reported a failure but keeps running: Open MPI normally tears the job down
/// within seconds of its report (1.4–6.8 s measured, tools/emulated-nodes.md), but a daemon it cannot reach may hold it.
/// The kill takes mpirun's whole process tree, which holds the rsh/ssh agents through which the other machines' daemons run.
/// </summary>
public static class MpirunWatchdog
{
    /// <summary>Seconds mpirun may take to end after reporting a failure: twice the slowest teardown measured, rounded up.</summary>
    public const int GraceSeconds = 15;

    /// <summary>Waits until <paramref name="process"/> exits; true when the watchdog had to kill it.</summary>
    public static bool Wait(Process process, Func<bool> failed)
    {
        DateTime? failedAt = null;
        while (!process.WaitForExit(250))
        {
            if (!failed()) continue;
            failedAt ??= DateTime.UtcNow;
            if (DateTime.UtcNow - failedAt < TimeSpan.FromSeconds(GraceSeconds)) continue;
            Console.Error.WriteLine($"mpirun still runs {GraceSeconds} s after reporting a failure: ending it and the processes it started");
            process.Kill(entireProcessTree: true);
            return true;
        }
        return false;
    }
}
