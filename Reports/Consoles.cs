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

    /// <summary>
    /// Makes <see cref="AnsiConsole.Console"/> (standard output) plain when it is not a terminal; call once at start, before
    /// anything is written. A rank under mpirun also gets TERM=dumb: .NET initialises a terminal on its first write to it and
    /// sends the terminfo keypad string (ESC [?1h ESC =) to the pseudo-terminal Open MPI attaches to its standard output.
    /// </summary>
    public static void Configure()
    {
        if (OpenMpi.UnderLauncher) Environment.SetEnvironmentVariable("TERM", "dumb");
        AnsiConsole.Console = Create(Console.Out, OutIsTerminal);
    }

    /// <summary>
    /// A terminal gets what Spectre.Console detects. Anything else gets its output through <see cref="EscapeFreeWriter"/>, with
    /// Spectre writing ANSI into it (its no-ANSI mode would set colours through System.Console, which writes escape codes to a
    /// pseudo-terminal), without colours and without live redrawing.
    /// </summary>
    private static IAnsiConsole Create(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(terminal ? writer : new EscapeFreeWriter(writer)),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.Yes,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = RedirectedWidth;
        return console;
    }
}
