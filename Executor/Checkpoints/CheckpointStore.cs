using System.Security.Cryptography;
using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Executor.Checkpoints;

/// <summary>
/// Checkpoint files in one folder, step-NNNNNNNN.ckpt. Each is written atomically: to a temporary file, flushed to the disk
/// (fsync), then renamed over the final name (rename is atomic on POSIX file systems), so a crash leaves either the old file or
/// the new one, never half of one. The file ends with the SHA-256 of everything before it; a file whose digest does not match
/// (torn write, bit rot, truncation) is rejected and the one before it is used. The newest <see cref="Keep"/> files are kept.
/// <see cref="Prepare"/> checks the folder before step 1 and removes what a killed writer left; a write that fails (disk full,
/// permissions) removes its temporary file and becomes one error naming the folder.
/// </summary>
public sealed class CheckpointStore
{
    /// <summary>File tag and format version.</summary>
    private const uint Magic = 0x4B435053; // "SPCK"
    private const int Version = 2;   // 2: the state begins with its RunIdentity in one process too
    private const string Extension = ".ckpt";
    private const string Option = "--checkpoint-dir";

    public CheckpointStore(string folder, int keep = 3)
    {
        if (keep < 2) throw new SpecException("checkpoint.keep", $"at least 2 files must be kept so a corrupted newest one has a predecessor, got {keep}");
        Folder = folder;
        Keep = keep;
    }

    public string Folder { get; }

    public int Keep { get; }

    /// <summary>Checkpoint files from newest to oldest.</summary>
    public IReadOnlyList<string> Files() => Directory.Exists(Folder)
        ? [.. Directory.GetFiles(Folder, "step-*" + Extension).OrderByDescending(Path.GetFileName, StringComparer.Ordinal)]
        : [];

    /// <summary>
    /// Before step 1: the folder exists (made when missing) and takes a file, and the temporary files of writers that are no
    /// longer running (a run killed during a save) are removed; returns the names of those removed.
    /// </summary>
    public IReadOnlyList<string> Prepare()
    {
        if (string.IsNullOrWhiteSpace(Folder)) throw new SpecException(Option, "is empty; give a folder for the checkpoints");
        if (File.Exists(Folder)) throw new SpecException(Option, $"'{Folder}' is a file; give a folder for the checkpoints");
        Guarded(() =>
        {
            Directory.CreateDirectory(Folder);
            using var probe = new FileStream(Path.Combine(Folder, $".probe.{Environment.ProcessId}.tmp"), FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
        }, "cannot write checkpoints into it");
        var removed = new List<string>();
        foreach (string temp in Directory.GetFiles(Folder, "step-*" + Extension + ".*.tmp"))
        {
            if (WriterRunning(temp)) continue;
            Guarded(() => File.Delete(temp), $"cannot remove the stale temporary file {Path.GetFileName(temp)}");
            removed.Add(Path.GetFileName(temp));
        }
        return removed;
    }

    /// <summary>Writes <paramref name="checkpoint"/> atomically, then drops files beyond the newest <see cref="Keep"/>; returns its path.</summary>
    public string Save(TrainingCheckpoint checkpoint)
    {
        string final = Path.Combine(Folder, $"step-{checkpoint.Step:D8}{Extension}");
        string temp = final + $".{Environment.ProcessId}.tmp";
        var body = Body(checkpoint);
        try
        {
            Guarded(() =>
            {
                Directory.CreateDirectory(Folder);
                using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    stream.Write(body);
                    stream.Write(SHA256.HashData(body));
                    stream.Flush(flushToDisk: true);   // fsync before the rename, so the name never points at unwritten data
                }
                File.Move(temp, final, overwrite: true);
            }, $"cannot write {Path.GetFileName(final)}");
        }
        finally
        {
            if (File.Exists(temp)) Guarded(() => File.Delete(temp), $"cannot remove {Path.GetFileName(temp)}");   // only after a failure: a written file has been renamed
        }
        Guarded(() =>
        {
            foreach (string old in Files().Skip(Keep)) File.Delete(old);
        }, "cannot remove an old checkpoint");
        return final;
    }

    /// <summary>Runs a file-system action; its I/O or permission error becomes one line naming the folder.</summary>
    private void Guarded(Action action, string what)
    {
        try
        {
            action();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new SpecException(Option, $"'{Folder}': {what}: {ex.Message}");
        }
    }

    /// <summary>Whether the process whose id a temporary file's name carries (step-N.ckpt.PID.tmp) still runs; this process has not written yet.</summary>
    private static bool WriterRunning(string temp)
    {
        string pid = Path.GetExtension(Path.GetFileNameWithoutExtension(temp)).TrimStart('.');
        if (!int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int id) || id == Environment.ProcessId) return false;
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(id);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;   // no such process
        }
    }

    /// <summary>The newest checkpoint whose digest verifies, or null; <paramref name="rejected"/> names each newer file passed over and why.</summary>
    public TrainingCheckpoint? LoadLatest(out IReadOnlyList<string> rejected) => LoadNewest(int.MaxValue, out rejected);

    /// <summary>The newest checkpoint at step <paramref name="atMost"/> or before whose digest verifies, or null; <paramref name="rejected"/> as in <see cref="LoadLatest"/>.</summary>
    public TrainingCheckpoint? LoadNewest(int atMost, out IReadOnlyList<string> rejected)
    {
        var problems = new List<string>();
        rejected = problems;
        foreach (string file in Files())
        {
            if (StepOf(file) is not { } step)
            {
                problems.Add($"{file}: not named step-NNNNNNNN{Extension}");
                continue;
            }
            if (step > atMost) continue;
            if (TryRead(file, out var checkpoint, out string problem)) return checkpoint;
            problems.Add($"{file}: {problem}");
        }
        return null;
    }

    /// <summary>The step in a file name step-NNNNNNNN.ckpt, or null for another name that matched the pattern.</summary>
    private static int? StepOf(string file) =>
        int.TryParse(Path.GetFileNameWithoutExtension(file).AsSpan("step-".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int step) ? step : null;

    private static byte[] Body(TrainingCheckpoint checkpoint)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(checkpoint.Step);
            writer.Write(checkpoint.DataPosition);
            writer.Write(checkpoint.State.Length);
            writer.Write(checkpoint.State);
        }
        return memory.ToArray();
    }

    private static bool TryRead(string file, out TrainingCheckpoint? checkpoint, out string problem)
    {
        checkpoint = null;
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"cannot be read: {ex.Message}";
            return false;
        }
        const int digestBytes = 32, headerBytes = 4 + 4 + 4 + 8 + 4;
        if (bytes.Length < headerBytes + digestBytes)
        {
            problem = $"{bytes.Length} bytes is shorter than a checkpoint's header and digest";
            return false;
        }
        var body = bytes.AsSpan(0, bytes.Length - digestBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - digestBytes)))
        {
            problem = "SHA-256 digest does not match the contents (corrupted or truncated)";
            return false;
        }
        using var reader = new BinaryReader(new MemoryStream(body.ToArray()));
        if (reader.ReadUInt32() != Magic || reader.ReadInt32() != Version)
        {
            problem = $"not a version-{Version} ScalePlanner checkpoint";
            return false;
        }
        int step = reader.ReadInt32();
        long position = reader.ReadInt64();
        int length = reader.ReadInt32();
        if (step < 0 || position < 0 || length < 0 || length != body.Length - headerBytes)
        {
            problem = "its header does not describe its contents";
            return false;
        }
        byte[] state = reader.ReadBytes(length);
        checkpoint = new TrainingCheckpoint(step, position, state);
        problem = "";
        return true;
    }
}
