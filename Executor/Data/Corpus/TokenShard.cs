using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace ScalePlanner.Executor.Data.Corpus;

/// <summary>
/// One shard read through a read-only memory map: the operating system pages tokens in as windows touch them, so a corpus
/// larger than memory costs only the pages in use. Reads are thread-safe (the view is never written).
/// </summary>
public sealed class TokenShard : IDisposable
{
    private readonly MemoryMappedFile file;
    private readonly MemoryMappedViewAccessor view;

    public TokenShard(string path)
    {
        Path = path;
        long length = new FileInfo(path).Length;
        var head = new byte[Math.Min(length, TokenShardFormat.HeaderBytes)];
        using (var stream = File.OpenRead(path)) stream.ReadExactly(head);
        Header = TokenShardFormat.Decode(head, length, path);
        file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
    }

    public string Path { get; }
    public TokenShardFormat.Header Header { get; }
    public long Count => Header.Count;

    /// <summary>Tokens [start, start + into.Length) into <paramref name="into"/>.</summary>
    public void Read(long start, Span<long> into)
    {
        if (start < 0 || start + into.Length > Count) throw new ArgumentOutOfRangeException(nameof(start), $"tokens [{start}, {start + into.Length}) lie outside the shard's {Count}");
        long offset = TokenShardFormat.HeaderBytes + start * Header.TokenWidth;
        if (Header.TokenWidth == 2) Copy<ushort>(offset, into, t => t);
        else Copy<uint>(offset, into, t => t);
    }

    private void Copy<T>(long offset, Span<long> into, Func<T, long> widen) where T : struct
    {
        var scratch = ArrayPool<T>.Shared.Rent(into.Length);
        try
        {
            view.ReadArray(offset, scratch, 0, into.Length);   // little-endian on disk, read as stored: every .NET Linux target is little-endian
            for (int i = 0; i < into.Length; i++) into[i] = widen(scratch[i]);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    public void Dispose()
    {
        view.Dispose();
        file.Dispose();
    }
}
