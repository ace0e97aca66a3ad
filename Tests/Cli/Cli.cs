using System.Diagnostics;

namespace ScalePlanner.Tests.Cli;

/// <summary>Runs the built `scaleplan` in its own process, as a user would, and captures what it prints.</summary>
public static class Cli
{
    public sealed record Outcome(int ExitCode, string StdOut, string StdErr);

    public static Outcome Run(params string[] args) => RunWith(new Dictionary<string, string?>(), args);

    /// <summary>As <see cref="Run"/>, with environment variables set (a null value removes the variable).</summary>
    public static Outcome RunWith(IReadOnlyDictionary<string, string?> environment, params string[] args) => Launch([], environment, args);

    /// <summary>
    /// As <see cref="Run"/>, as the unprivileged user nobody (setpriv drops root's uid, gid and groups), for permission faults
    /// root would override; its home is /tmp, the only folder nobody may write to.
    /// </summary>
    public static Outcome RunAsNobody(params string[] args) =>
        Launch(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"], new Dictionary<string, string?> { ["HOME"] = "/tmp", ["DOTNET_CLI_HOME"] = "/tmp" }, args);

    /// <summary>
    /// As <see cref="Run"/>, under GNU time, which appends "cpu USER SYS" (CPU seconds) to stderr: CPU time, unlike the wall
    /// clock, does not stretch when other work shares the cores. Waits up to <paramref name="patience"/>.
    /// </summary>
    public static Outcome RunTimed(TimeSpan patience, params string[] args) =>
        Launch(["/usr/bin/time", "-f", "cpu %U %S"], new Dictionary<string, string?>(), args, patience);

    private static Outcome Launch(string[] launcher, IReadOnlyDictionary<string, string?> environment, string[] args, TimeSpan? patience = null)
    {
        var start = new ProcessStartInfo(launcher.Length > 0 ? launcher[0] : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var word in launcher.Skip(1)) start.ArgumentList.Add(word);
        if (launcher.Length > 0) start.ArgumentList.Add("dotnet");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "scaleplan.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["NO_COLOR"] = "1";
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var wait = patience ?? TimeSpan.FromSeconds(60);
        if (!process.WaitForExit(wait)) { process.Kill(entireProcessTree: true); throw new TimeoutException($"scaleplan {string.Join(' ', args)} did not finish in {wait.TotalSeconds:F0} s"); }
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Scenario(string fileName) => Path.Combine(AppContext.BaseDirectory, "scenarios", fileName);

    /// <summary>Writes a scenario file into a fresh temporary folder and returns its path.</summary>
    public static string TempScenario(string json)
    {
        string dir = Directory.CreateTempSubdirectory("scaleplan-test-").FullName;
        string path = Path.Combine(dir, "scenario.json");
        File.WriteAllText(path, json);
        return path;
    }
}
