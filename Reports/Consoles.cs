using ScalePlanner.Mpi;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>
/// The two consoles every command writes to: standard output (results, tables) and standard error (progress, what was written,
/// errors). A console draws live (colours, progress bars) only on a terminal. Redirected output (a file, a pipe, CI) gets plain
/// text without escape codes, and so does every rank under mpirun, whose standard output Open MPI may hand a pseudo-terminal
/// even when the job's output goes to a file.
/// </summary>
public static class Consoles
{
    /// <summary>Table width when there is no terminal to fit: wide enough that CI logs do not wrap tables at 80 columns.</summary>
    private const int RedirectedWidth = 240;

    public static bool OutIsTerminal => !Console.IsOutputRedirected && !OpenMpi.UnderLauncher;

    public static bool ErrorIsTerminal => !Console.IsErrorRedirected && !OpenMpi.UnderLauncher;

    /// <summary>Standard error as a Spectre.Console console (live progress on a terminal, plain lines otherwise).</summary>
    public static IAnsiConsole Error { get; } = Create(Console.Error, ErrorIsTerminal);

    /// <summary>Makes <see cref="AnsiConsole.Console"/> (standard output) plain when it is not a terminal; call once at start.</summary>
    public static void Configure() => AnsiConsole.Console = Create(Console.Out, OutIsTerminal);

    private static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
