using FsCheck;
using FsCheck.Fluent;

namespace ScalePlanner.Tests.Fuzz;

/// <summary>One generated `execute` command line after the scenario; folder placeholders are made real by <see cref="FuzzFolders"/>.</summary>
public sealed record ExecuteCase(string[] Options)
{
    public override string ToString() => $"execute SCENARIO {string.Join(' ', Options.Select(o => o.Contains(' ') || o.Length == 0 ? $"\"{o}\"" : o))}";
}

/// <summary>
/// `execute` option sets: a one-process or a two-process layout (or an invalid one) with random options, each with a valid or
/// an awkward value (negative, zero, huge, non-numeric), given where it applies or where it does not, and folders that are
/// fine, empty, a file, or under a file.
/// </summary>
public static class ExecuteOptionFuzz
{
    /// <summary>Folder placeholders: a fresh path, an empty string, an existing file, a path under that file.</summary>
    public const string Fresh = "<fresh>", Empty = "<empty>", File = "<file>", UnderFile = "<under-file>";

    private static readonly string[] Layouts =
    [
        "dp=1,mb=4,precision=fp32", "dp=1,mb=4,precision=bf16,recompute=full", "dp=2,mb=2,precision=fp32", "dp=1,tp=2,mb=4,precision=fp32",
        "dp=1,mb=4,precision=fp8", "dp=1,mb=4,zero=3", "dp=1,mb=4,compress=powersgd:4", "dp=2,mb=2,precision=bf16", "dp=3", "dp=1,mb=5",
    ];

    private static readonly (string Option, string[] Values)[] Options =
    [
        ("--steps", ["3", "6", "2", "0", "-1", "10000001", "abc"]),
        ("--checkpoint-every", ["1", "2", "0", "-3", "99999999999"]),
        ("--checkpoint-dir", [Fresh, Empty, File, UnderFile]),
        ("--out", [Fresh, Empty, File, UnderFile]),
        ("--workers", ["0", "2", "-1", "257", "1000000"]),
        ("--prefetch", ["1", "4", "0", "-2", "1025"]),
        ("--mask-prob", ["0", "0.1", "1", "-0.1", "1.5", "NaN"]),
        ("--check-every", ["0", "5", "-1", "10000001"]),
        ("--bucket-mb", ["25", "0.05", "0", "-1", "1e9", "NaN"]),
        ("--on-spike", ["warn", "skip", "rollback", "explode"]),
        ("--format", ["table", "json", "xml"]),
        ("--resume", []),
        ("--best", []),
    ];

    private static readonly Gen<string[]> Option =
        from pick in Gen.Elements(Options)
        from value in pick.Values.Length == 0 ? Gen.Constant<string?>(null) : Gen.Elements(pick.Values).Select(v => (string?)v)
        select value is null ? new[] { pick.Option } : [pick.Option, value];

    public static readonly Gen<ExecuteCase> Cases = With(Layouts);

    /// <summary>Only layouts of one process: what the program then trains takes seconds, where one across processes starts mpirun.</summary>
    public static readonly Gen<ExecuteCase> OneProcess = With([.. Layouts.Where(l => !l.Contains("dp=2") && !l.Contains("tp=2"))]);

    private static Gen<ExecuteCase> With(string[] layouts) =>
        from layout in Gen.Elements(layouts)
        from count in Gen.Choose(0, 4)
        from options in Gen.ArrayOf(Option, count)
        select new ExecuteCase(["--layout", layout, .. options.SelectMany(o => o)]);
}
