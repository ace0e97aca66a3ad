using System.Diagnostics;
using ScalePlanner.Mpi;
using ScalePlanner.Reports;

namespace ScalePlanner.Tests.Reports;

/// <summary>Output that is not a terminal is plain text: no escape codes in a file, a pipe or CI, and none from a rank under mpirun.</summary>
public class PlainOutputTests
{
    [Fact]
    public void Should_Drop_Colour_Cursor_And_Hyperlink_Sequences()
    {
        var text = new StringWriter();
        var writer = new EscapeFreeWriter(text);
        writer.Write("\u001b[1mbold\u001b[0m \u001b[?25l\u001b]8;;https://example.org\u0007link\u001b]8;;\u001b\\ \u001b=done");
        writer.Write('\u001b');
        writer.Write("[39;49m.");
        Assert.Equal("bold link done.", text.ToString());
    }

    [Fact]
    public void Should_Write_No_Escape_Codes_When_Redirected()
    {
        var outcome = Cli.Cli.Run("plan", "--top", "3");
        Assert.True(outcome.ExitCode == 0, outcome.StdErr);
        Assert.DoesNotContain('\u001b', outcome.StdOut + outcome.StdErr);
    }

    [Fact]
    public async Task Should_Write_No_Escape_Codes_From_A_Rank_Under_Mpirun_Whose_Output_Is_A_Pseudo_Terminal()
    {
        Assert.True(MpiLauncher.Available, "Open MPI is missing: run tools/install-prerequisites.sh (the README's test command does) to get mpirun and libmpi.so.40");
        var start = new ProcessStartInfo("mpirun") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (Environment.UserName == "root" ? new[] { "--allow-run-as-root" } : []).Concat(["-np", "1", "dotnet", Path.Combine(AppContext.BaseDirectory, "scaleplan.dll"), "validate"]))
            start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm-256color";   // Open MPI hands the rank's standard output a pseudo-terminal
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, stderr);
        Assert.Contains("Megatron SC21 Table 1", await stdout);
        Assert.DoesNotContain('\u001b', await stdout + stderr);
    }
}
