-- Headless Neovim as the language server's client: start `cargo-failfirst lsp` on the
-- fixture, open a file, wait for the diagnostics the server publishes, and write what
-- Neovim received to a file, one diagnostic a line: line:column:severity:source:code:message.
-- Uses only what Neovim 0.7 (Debian 12's) already has: vim.lsp.start_client and
-- vim.lsp.buf_attach_client.

local server = os.getenv('FAILFIRST_BIN')
local root = os.getenv('FAILFIRST_ROOT')
local file = os.getenv('FAILFIRST_FILE')
local out = os.getenv('FAILFIRST_OUT')

local function finish(lines)
  local handle = assert(io.open(out, 'w'))
  handle:write(table.concat(lines, '\n'), '\n')
  handle:close()
  vim.cmd('qall!')
end

local client_id = vim.lsp.start_client({
  name = 'failfirst',
  cmd = { server, 'lsp' },
  root_dir = root,
})
if not client_id then
  finish({ 'error: the client did not start' })
  return
end

vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buffer = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buffer, client_id)

local received = vim.wait(120000, function()
  return #vim.diagnostic.get(buffer) > 0
end, 50)
if not received then
  finish({ 'error: no diagnostics within two minutes' })
  return
end

local lines = {}
for _, diagnostic in ipairs(vim.diagnostic.get(buffer)) do
  local lsp = diagnostic.user_data and diagnostic.user_data.lsp or {}
  local code = diagnostic.code or lsp.code or ''
  local message = vim.split(diagnostic.message, '\n')[1]
  table.insert(lines, string.format('%d:%d:%d:%s:%s:%s', diagnostic.lnum + 1, diagnostic.col + 1,
    diagnostic.severity, diagnostic.source or '', code, message))
end
table.sort(lines)
-- Shut the server down and wait for its process to end (Neovim forgets the client then):
-- quitting while the server still answers the shutdown makes Neovim's exit racy.
vim.lsp.stop_client(client_id)
local stopped = vim.wait(10000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 50)
if not stopped then
  table.insert(lines, 'error: the server did not stop within ten seconds')
end
finish(lines)
