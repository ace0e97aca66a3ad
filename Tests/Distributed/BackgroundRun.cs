using System.Diagnostics;
using System.Text;

namespace ScalePlanner.Tests.Distributed;

/// <summary>The built `scaleplan` started in the background (as <see cref="Cli.Cli.RunWith"/> does in the foreground), so a test can act while it runs.</summary>
public sealed class BackgroundRun : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder stderr = new(), stdout = new();

    public BackgroundRun(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "scaleplan.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        process = Process.Start(start)!;
        process.ErrorDataReceived += (_, line) => { lock (stderr) stderr.AppendLine(line.Data); };
        process.OutputDataReceived += (_, line) => { lock (stdout) stdout.AppendLine(line.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public string StdErr { get { lock (stderr) return stderr.ToString(); } }

    public bool Exited => process.HasExited;

    /// <summary>Waits up to <paramref name="seconds"/> for the command to end; its exit code, or null if it still runs.</summary>
    public int? WaitForExit(double seconds)
    {
        if (!process.WaitForExit(TimeSpan.FromSeconds(seconds))) return null;
        process.WaitForExit();   // the output streams to their end
        return process.ExitCode;
    }

    /// <summary>Waits until <paramref name="condition"/> holds (polled every 50 ms) or the command ends; false if it ended first or time ran out.</summary>
    public bool WaitUntil(Func<bool> condition, double seconds)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            if (condition()) return true;
            Thread.Sleep(50);
        }
        return condition();
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
    }
}
