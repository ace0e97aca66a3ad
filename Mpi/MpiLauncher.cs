using System.Diagnostics;
using System.Reflection;

namespace ScalePlanner.Mpi;

/// <summary>
/// Starts this same program under Open MPI's `mpirun` with N ranks. As root, mpirun needs --allow-run-as-root; with more
/// ranks than cores, --oversubscribe (Open MPI 4.1 mpirun(1)). On one machine each job keeps its session files under a
/// folder of its own (orte_tmpdir_base): jobs started side by side otherwise race to create and remove the shared session
/// folder and fail with "A call to mkdir was unable to create the desired directory" (open-mpi/ompi#8510).
/// </summary>
public static class MpiLauncher
{
    public static bool Available => FindOnPath("mpirun") is not null;

    /// <summary>The command that re-runs this program: the apphost itself, or `dotnet` with the entry assembly.</summary>
    public static (string FileName, string[] Prefix) Self()
    {
        string process = Environment.ProcessPath ?? throw new MpiException("cannot tell which program is running");
        bool viaDotnet = Path.GetFileNameWithoutExtension(process) == "dotnet";
        return viaDotnet ? (process, [Assembly.GetEntryAssembly()!.Location]) : (process, []);
    }

    /// <param name="sessionFolder">Folder for this job's session files on one machine (ignored with a hostfile).</param>
    public static ProcessStartInfo Command(int ranks, IEnumerable<string> arguments, string? hostfile = null, string? sessionFolder = null)
    {
        string mpirun = FindOnPath("mpirun") ?? throw new MpiException("mpirun is not installed: run tools/install-prerequisites.sh (Debian: apt-get install openmpi-bin)");
        var start = new ProcessStartInfo(mpirun) { UseShellExecute = false };
        if (Environment.UserName == "root") start.ArgumentList.Add("--allow-run-as-root");
        if (hostfile is null && ranks > Environment.ProcessorCount) start.ArgumentList.Add("--oversubscribe");
        if (hostfile is not null)
        {
            start.ArgumentList.Add("--hostfile");
            start.ArgumentList.Add(hostfile);
        }
        else if (sessionFolder is not null)
        {
            start.ArgumentList.Add("--mca");
            start.ArgumentList.Add("orte_tmpdir_base");
            start.ArgumentList.Add(sessionFolder);
        }
        if (Environment.GetEnvironmentVariable(SharedCores.Variable) is not null)
        {
            start.ArgumentList.Add("-x");
            start.ArgumentList.Add(SharedCores.Variable);   // ranks on other machines get the wait policy too (mpirun(1), -x)
        }
        start.ArgumentList.Add("-np");
        start.ArgumentList.Add(ranks.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var (fileName, prefix) = Self();
        start.ArgumentList.Add(fileName);
        foreach (var argument in prefix.Concat(arguments)) start.ArgumentList.Add(argument);
        return start;
    }

    /// <summary>
    /// Runs N ranks to completion, passing their output through, and reads mpirun's own report of the first rank that died or
    /// exited with an error (Open MPI 4.1's "process rank R ... exited on signal S (NAME)" and "Process name: [[job,1],R] /
    /// Exit code: C" messages), so the caller can name it.
    /// </summary>
    /// <summary>Runs this same command line (plus <paramref name="extra"/>) as N ranks under mpirun: see <see cref="Run"/>.</summary>
    public static MpiOutcome RunSelf(int ranks, string? hostfile = null, IEnumerable<string>? extra = null) =>
        Run(ranks, [.. Environment.GetCommandLineArgs().Skip(1), .. extra ?? []], hostfile);

    public static MpiOutcome Run(int ranks, IEnumerable<string> arguments, string? hostfile = null)
    {
        if (hostfile is not null) return Run(Command(ranks, arguments, hostfile));
        string session = Directory.CreateTempSubdirectory("scaleplan-mpi-").FullName;
        try
        {
            return Run(Command(ranks, arguments, sessionFolder: session));
        }
        finally
        {
            Directory.Delete(session, recursive: true);
        }
    }

    private static MpiOutcome Run(ProcessStartInfo start)
    {
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new MpiException("mpirun did not start");
        var report = new MpirunFailureReport();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null) return;
            Console.Error.WriteLine(line.Data);
            report.Read(line.Data);
        };
        process.BeginErrorReadLine();
        process.WaitForExit();   // without a timeout this also waits for the redirected stream to end
        return new MpiOutcome(process.ExitCode, process.ExitCode == 0 ? null : report.FailedRank);
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}
