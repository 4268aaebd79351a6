-- Runs inside `nvim --headless`: attaches Neovim's built-in LSP client to
-- concur-clangd on one file, waits for its diagnostics and writes them, one
-- per line, to $CONCUR_NVIM_OUT:
--   <line>:<col>-<end line>:<end col> <severity> <source> <code> <message>
-- (0-based positions, as Neovim stores them). Works with Neovim 0.7 (Debian
-- 12) and later: vim.lsp.start_client and buf_attach_client exist in all.
local clangd = assert(os.getenv('CONCUR_CLANGD'), 'CONCUR_CLANGD not set')
local file = assert(os.getenv('CONCUR_NVIM_FILE'), 'CONCUR_NVIM_FILE not set')
local out = assert(os.getenv('CONCUR_NVIM_OUT'), 'CONCUR_NVIM_OUT not set')

local function finish(lines, failed)
  local handle = assert(io.open(out, 'w'))
  handle:write(table.concat(lines, '\n'), '\n')
  handle:close()
  vim.cmd(failed and 'cquit!' or 'quitall!')
end

local function is_concur(d)
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
  return type(code) == 'string' and code:sub(1, 7) == 'concur-', code
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local client_id = vim.lsp.start_client({
  name = 'concur-clangd',
  cmd = { clangd, '--background-index=false' },
  root_dir = vim.fn.fnamemodify(file, ':h'),
})
if not client_id then
  finish({ 'error: concur-clangd did not start' }, true)
end
vim.lsp.buf_attach_client(0, client_id)

local function concur_count()
  local n = 0
  for _, d in ipairs(vim.diagnostic.get(0)) do
    if is_concur(d) then n = n + 1 end
  end
  return n
end

if not vim.wait(180000, function() return concur_count() > 0 end, 100) then
  finish({ 'error: no concur diagnostics within 180 s' }, true)
end
-- All diagnostics of one AST build arrive in one message; wait a little for
-- a possible later build anyway, so the output is the settled state.
vim.wait(1000, function() return false end, 100)

local lines = {}
local diagnostics = vim.diagnostic.get(0)
table.sort(diagnostics, function(a, b)
  if a.lnum ~= b.lnum then return a.lnum < b.lnum end
  return a.col < b.col
end)
for _, d in ipairs(diagnostics) do
  local _, code = is_concur(d)
  table.insert(lines, string.format('%d:%d-%d:%d %s %s %s %s', d.lnum, d.col,
    d.end_lnum, d.end_col, vim.diagnostic.severity[d.severity], tostring(d.source),
    tostring(code), d.message))
end
vim.lsp.stop_client(client_id)
vim.wait(5000, function() return vim.lsp.get_client_by_id(client_id) == nil end, 100)
finish(lines, false)
