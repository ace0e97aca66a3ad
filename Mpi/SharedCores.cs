using System.Runtime.InteropServices;

namespace ScalePlanner.Mpi;

/// <summary>
/// Processes that share a machine's cores (ranks side by side, or other work) must not spin while they wait. LibTorch's OpenMP
/// threads (GNU libgomp) spin at every barrier for GOMP_SPINCOUNT = 300,000 iterations before they sleep (libgomp manual,
/// "GOMP_SPINCOUNT"), so on a loaded 2-core machine they steal the cores the work needs: a one-process step went from 1.3 s to
/// 13.2 s. OMP_WAIT_POLICY=PASSIVE makes them sleep at once (OpenMP 5.2 §6.7; libgomp then uses a spin count of 0). This sets it
/// for this process and every process it starts, unless the user set it: libgomp reads it once, when LibTorch loads, so it is
/// written into the native environment (setenv), which .NET's Environment.SetEnvironmentVariable does not touch on Unix.
/// </summary>
public static partial class SharedCores
{
    public const string Variable = "OMP_WAIT_POLICY", Passive = "PASSIVE";

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE when it is not set; call before anything touches LibTorch.</summary>
    public static void PreferPassiveWaiting()
    {
        if (Environment.GetEnvironmentVariable(Variable) is not null || OperatingSystem.IsWindows()) return;
        if (SetNative(Variable, Passive, overwrite: 0) != 0) return;   // left to libgomp's default when the C library refuses
        Environment.SetEnvironmentVariable(Variable, Passive);          // what child processes (mpirun and its ranks) inherit
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetNative(string name, string value, int overwrite);
}
