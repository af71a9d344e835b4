import { Command } from 'commander';
import { downloadDataset, DATA_URL } from '../data/download.js';
import { defaultCacheDir } from '../data/resolve.js';

export function dataDownloadCommand(): Command {
  return new Command('download')
    .description('download the English→Python data set (sha256-checked) into the cache')
    .option('--cache <dir>', 'cache directory (default: $XDG_CACHE_HOME/en2py or ~/.cache/en2py)')
    .option('--url <url>', 'download from another address (same sha256 expected)', DATA_URL)
    .action(async (o: { cache?: string; url: string }) => {
      const cacheDir = o.cache ?? defaultCacheDir();
      const r = await downloadDataset({ cacheDir, url: o.url });
      process.stdout.write(r.downloaded ? `downloaded ${r.bytes} bytes to ${r.path}\n` : `already in the cache: ${r.path}\n`);
    });
}
