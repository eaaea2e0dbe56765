using System.Runtime.CompilerServices;
using LatchGateway.Admin.Audit;
using LatchGateway.Contracts;
using Microsoft.Extensions.Options;

namespace LatchGateway.Audit;

/// <summary>
/// Audit events as JSON lines in a local file (the memory-store deployment). Each batch is flushed to disk
/// (fsync) before the next; the file is rotated by size into <c>audit.1.jsonl</c> … <c>audit.N.jsonl</c>, and
/// reads span the current and the rotated files, so events survive restarts and rotation alike.
/// </summary>
internal sealed class FileAuditSink : IAuditSink, IDisposable
{
    private readonly string _path;
    private readonly long _maxFileBytes;
    private readonly int _maxFiles;
    private FileStream? _stream;

    public FileAuditSink(IOptions<LatchAuditOptions> options, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var settings = options.Value;
        _path = Path.GetFullPath(settings.Path, environment.ContentRootPath);
        _maxFileBytes = settings.MaxFileBytes;
        _maxFiles = settings.MaxFiles;
    }

    public string CurrentPath => _path;

    public async Task WriteAsync(IReadOnlyList<AuditRecord> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var stream = _stream ??= Open();
        foreach (var audit in batch)
        {
            var line = AuditJson.Serialize(audit);
            if (stream.Length > 0 && stream.Length + line.Length + 1 > _maxFileBytes)
            {
                stream.Flush(flushToDisk: true);
                stream = Rotate();
            }

            await stream.WriteAsync(line, cancellationToken).ConfigureAwait(false);
            stream.WriteByte((byte)'\n');
        }

        stream.Flush(flushToDisk: true);
    }

    public async IAsyncEnumerable<AuditRecord> QueryAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var remaining = query.Limit;
        foreach (var file in FilesNewestFirst())
        {
            // Files are in time order: keep the newest matches of this file, then move on to older files.
            var newest = new Queue<AuditRecord>();
            var startsAfterSince = true;
            await foreach (var audit in ReadAsync(file, cancellationToken).ConfigureAwait(false))
            {
                startsAfterSince &= query.Since is null || audit.Time >= query.Since;
                if (audit.Matches(query))
                {
                    newest.Enqueue(audit);
                    if (newest.Count > remaining)
                    {
                        newest.Dequeue();
                    }
                }
            }

            foreach (var audit in newest.Reverse())
            {
                yield return audit;
            }

            remaining -= newest.Count;
            if (remaining == 0 || !startsAfterSince)
            {
                yield break;
            }
        }
    }

    public async IAsyncEnumerable<AuditRecord> ExportAsync(
        DateTimeOffset? since, DateTimeOffset? until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var file in FilesNewestFirst().Reverse())
        {
            await foreach (var audit in ReadAsync(file, cancellationToken).ConfigureAwait(false))
            {
                if ((since is null || audit.Time >= since) && (until is null || audit.Time < until))
                {
                    yield return audit;
                }
            }
        }
    }

    public void Dispose() => _stream?.Dispose();

    private static async IAsyncEnumerable<AuditRecord> ReadAsync(string file, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            yield break;
        }

        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            // A line torn by a crash mid-write is not an event; skip it.
            if (line.Length > 0 && AuditJson.TryParse(System.Text.Encoding.UTF8.GetBytes(line)) is { } audit)
            {
                yield return audit;
            }
        }
    }

    private IEnumerable<string> FilesNewestFirst()
    {
        yield return _path;
        for (var i = 1; i <= _maxFiles; i++)
        {
            var rotated = RotatedPath(i);
            if (!File.Exists(rotated))
            {
                yield break;
            }

            yield return rotated;
        }
    }

    private FileStream Open()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        EndTornLine(_path);
        return new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true);
    }

    /// <summary>A crash mid-write can leave a last line without its newline: end it, so the next event starts a line of its own.</summary>
    private static void EndTornLine(string path)
    {
        using var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        if (file.Length == 0)
        {
            return;
        }

        file.Seek(-1, SeekOrigin.End);
        if (file.ReadByte() != '\n')
        {
            file.WriteByte((byte)'\n');
        }
    }

    private FileStream Rotate()
    {
        _stream!.Dispose();
        File.Delete(RotatedPath(_maxFiles));
        for (var i = _maxFiles - 1; i >= 1; i--)
        {
            if (File.Exists(RotatedPath(i)))
            {
                File.Move(RotatedPath(i), RotatedPath(i + 1), overwrite: true);
            }
        }

        File.Move(_path, RotatedPath(1), overwrite: true);
        return _stream = Open();
    }

    private string RotatedPath(int index) =>
        Path.Combine(Path.GetDirectoryName(_path)!, $"{Path.GetFileNameWithoutExtension(_path)}.{index}{Path.GetExtension(_path)}");
}
