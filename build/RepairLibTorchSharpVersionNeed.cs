#nullable enable
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// MSBuild task: in every libLibTorchSharp.so under the output directory, re-points the GLIBCXX_3.4.32 version-need entry
/// at GLIBCXX_3.4.30 when the system's libstdc++ does not provide 3.4.32 (ELF-64 gABI, "Symbol Versioning": Elf64_Verneed
/// and Elf64_Vernaux records in the SHT_GNU_verneed section, names in the section its sh_link names).
/// </summary>
public sealed class RepairLibTorchSharpVersionNeed : Task
{
    private const string Wanted = "GLIBCXX_3.4.32", Replacement = "GLIBCXX_3.4.30";
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private static readonly string[] SystemLibstdcxx =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    ];

    [Required] public string OutputDirectory { get; set; } = "";

    public override bool Execute()
    {
        if (!Directory.Exists(OutputDirectory)) return true;
        var libraries = Directory.EnumerateFiles(OutputDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).ToList();
        if (libraries.Count == 0) return true;
        string? system = SystemLibstdcxx.FirstOrDefault(File.Exists);
        if (system is null)
        {
            Log.LogMessage(MessageImportance.High, "LibTorchSharp repair: no system libstdc++.so.6 found; leaving the library as shipped.");
            return true;
        }
        if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Wanted + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"LibTorchSharp repair: {system} provides {Wanted}; nothing to do.");
            return true;
        }
        foreach (var library in libraries)
        {
            if (Repair(library)) Log.LogMessage(MessageImportance.High, $"LibTorchSharp repair: {library} now asks for {Replacement} instead of {Wanted}.");
        }
        return !Log.HasLoggedErrors;
    }

    private bool Repair(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F' || elf[4] != 2 || elf[5] != 1)
        {
            Log.LogWarning($"LibTorchSharp repair: {path} is not a 64-bit little-endian ELF file; left as is.");
            return false;
        }
        ulong sectionTable = BitConverter.ToUInt64(elf, 0x28);
        int entrySize = BitConverter.ToUInt16(elf, 0x3A), sections = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < sections; i++)
        {
            int header = checked((int)sectionTable + i * entrySize);
            if (BitConverter.ToUInt32(elf, header + 4) != ShtGnuVerneed) continue;
            int offset = checked((int)BitConverter.ToUInt64(elf, header + 0x18));
            int stringsHeader = checked((int)sectionTable + (int)BitConverter.ToUInt32(elf, header + 0x28) * entrySize);
            int strings = checked((int)BitConverter.ToUInt64(elf, stringsHeader + 0x18));
            uint needs = BitConverter.ToUInt32(elf, header + 0x2C);
            return Rewrite(path, elf, offset, strings, needs);
        }
        Log.LogWarning($"LibTorchSharp repair: {path} has no version-need section; left as is.");
        return false;
    }

    private bool Rewrite(string path, byte[] elf, int verneed, int strings, uint needs)
    {
        int wanted = -1, replacementName = -1;
        int need = verneed;
        for (uint n = 0; n < needs; n++)
        {
            int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
            for (int a = 0; a < BitConverter.ToUInt16(elf, need + 2); a++)
            {
                uint nameOffset = BitConverter.ToUInt32(elf, aux + 8);
                string name = ReadString(elf, strings + (int)nameOffset);
                if (name == Wanted) wanted = aux;
                if (name == Replacement) replacementName = (int)nameOffset;
                aux += (int)BitConverter.ToUInt32(elf, aux + 12);
            }
            need += (int)BitConverter.ToUInt32(elf, need + 12);
        }
        if (wanted < 0) return false;
        if (replacementName < 0)
        {
            Log.LogWarning($"LibTorchSharp repair: {path} does not already require {Replacement}; left as is.");
            return false;
        }
        BitConverter.GetBytes(ElfHash(Replacement)).CopyTo(elf, wanted);
        BitConverter.GetBytes((uint)replacementName).CopyTo(elf, wanted + 8);
        string temp = path + ".repair";
        File.WriteAllBytes(temp, elf);
        File.Copy(temp, path, true);
        File.Delete(temp);
        return true;
    }

    // The System V ABI's ELF hash (gABI, "Hash Table").
    private static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    private static string ReadString(byte[] data, int start)
    {
        int end = Array.IndexOf(data, (byte)0, start);
        return Encoding.ASCII.GetString(data, start, end - start);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i + needle.Length <= haystack.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && haystack[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }
}
